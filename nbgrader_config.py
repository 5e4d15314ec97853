"""nbgrader configuration for the data-leakage course.

Instructor sources live in solutions/<assignment>/, the generated learner releases in
exercises/<assignment>/ (committed, so a learner can open them at once). Submissions,
autograded copies, feedback and the gradebook are created next to this file and are
git-ignored: they hold the hidden tests.
"""
import os

c = get_config()  # noqa: F821  (provided by traitlets when nbgrader loads this file)

c.CourseDirectory.course_id = "data-leakage"
c.CourseDirectory.root = os.path.dirname(os.path.abspath(__file__))
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "exercises"

c.ClearSolutions.code_stub = {
    "python": "# YOUR CODE HERE: replace this line with your answer\nraise NotImplementedError()",
}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE: write your answer in this cell."

# A cell that runs longer than this is stopped (an infinite loop must not hang grading).
c.Execute.timeout = 120
c.Execute.interrupt_on_timeout = True

# nbgrader scores any stderr output of a test cell as a failure. Library warnings that an
# honest solution can trigger are filtered out of the outputs before grading.
c.IgnorePattern.enabled = True
c.IgnorePattern.pattern = r"(Warning|DeprecationWarning|FutureWarning|UserWarning|ConvergenceWarning|RuntimeWarning):"
c.LimitOutput.max_lines = 200
c.LimitOutput.max_traceback = 50

# The same protection on every grading path (plain `nbgrader autograde`, the formgrader's
# button, `leakkit grade`): a kernel guard restores what learner code rebound or patched in
# leakkit's checks, tracer and HeldOutSet before and after each test cell (a test during
# which something was replaced scores 0); edited, deleted or pasted-twice cells and code that
# reaches into the grader are flagged, and the tests concerned marked "needs manual grade";
# the grading secret (LEAKKIT_GRADING_SEED) never enters the learner's kernel; a kernel that
# fails to start is started again (Execute.kernel_start_retries); feedback shows each test's
# visible part, result and messages, never the hidden tests' code. What it adds to nbgrader's
# preprocessor lists is spelt out in leakkit.autograde.preprocessors.configure.
from leakkit.autograde.preprocessors import configure  # noqa: E402

configure(c)

# nbgrader's Validate button (and `nbgrader validate`): one label and one message per failed
# test ("Part 2 · test_exact_copies (1 point)" / "Part 2 is not attempted yet: write your code
# in ..."), not each test's source and traceback. Only validation is changed (see
# leakkit.grading._validate); on a JupyterHub, put these lines in the learners' nbgrader config too.
from leakkit.grading._validate import WIDTH, label_test_cell  # noqa: E402

c.Execute.on_cell_complete = label_test_cell
c.Validator.width = WIDTH + 8
c.Validator.failed_warning = "{num_failed} test cell(s) do not pass yet. Each one below says what to do next.\n"

# Hints and solutions in the exercises (part1.hint(), part1.solution()). For graded homework,
# release without solutions (the hints stay): set this to False, then generate the assignment.
from leakkit.grading import _release  # noqa: E402

_release.configure(c)
c.ReleaseHelp.solutions = True
