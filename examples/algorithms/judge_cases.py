"""Test cases and a judge for the coding questions' "Try it yourself" panels (R1-11, LeetCode 209, R2-5).

A reader writes a function in the page's code box; :func:`judge` runs it on the cases of :func:`cases` and
reports, per case, whether it passed, and for the first failure the input, the expected value and what the
function returned or raised. The site runs this module in the reader's browser (Pyodide in a Web Worker, see
hooks/judge.py and docs/assets/javascripts/judge*.js), together with the rest of ``examples/algorithms``, as
they are: the expected values come from the reference implementations of this package, never from a second
implementation in JavaScript. Standard library only.

The cases of a problem, in this order (the first failure reported is the first in this order):

1. the worked examples of the page (group ``"example"``);
2. the edge cases the page warns about (group ``"edge"``): empty input, every number too big, a bound that an
   inclusive comparison must accept (the off-by-one ``<`` for ``<=``), ``s = 0`` with zeros, negative numbers,
   all-negative input, ties;
3. ``n_random`` random inputs (group ``"random"``) from a seeded generator, small enough to hold ties and zeros.

How an answer is compared (``Problem.accept``): lengths and sums must be equal ints (``bool`` and ``float`` are
refused: ``3.0`` is not a length). ``max_subarray`` returns ``(best, start, stop)`` with ``stop`` exclusive, as in
``nums[start:stop]``; when several subarrays reach the maximum, ANY of them is accepted (the reference returns the
one that ends first, a choice the problem does not ask for): ``best`` must equal the maximum, ``0 <= start < stop
<= len(nums)`` and ``sum(nums[start:stop]) == best``. Where the reference raises ``ValueError`` (an empty list for
R2-5, which has no non-empty subarray), the reader's function must raise ``ValueError`` (or a subclass) too.

Messages for people are not made here: the result holds data (case groups, note keys, reprs, tracebacks) that
the page's script words in the page's language.
"""

from __future__ import annotations

import contextlib
import copy
import io
import linecache
import random
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from examples.algorithms.longest_subarray import longest_subarray_at_most, longest_subarray_at_most_any
from examples.algorithms.max_subarray import max_subarray, max_subarray_sum
from examples.algorithms.shortest_subarray import shortest_subarray_at_least

FILENAME = "solution.py"  # the reader's code, as named in tracebacks
N_RANDOM = 300
SEED = 2024
MAX_OUTPUT = 10_000  # characters of printed output kept in a result
MAX_REPR = 300  # characters of a returned value shown


@dataclass(frozen=True)
class Raises:
    """Expected outcome of a case whose answer is an exception of type ``error``."""

    error: type[Exception]


@dataclass(frozen=True)
class Case:
    """One call of the reader's function.

    Attributes:
        group: ``"example"``, ``"edge"`` or ``"random"``.
        note: what the case checks, a key the page words in its language (``"empty"``, ``"zeros"``, ...);
            the worked examples' and random cases' notes are their number, from 1.
        args: the positional arguments (lists of ints and ints).
        expected: the reference's return value, or :class:`Raises`.
    """

    group: str
    note: str
    args: tuple
    expected: object


@dataclass(frozen=True)
class Problem:
    """A function the reader writes, with its reference, its cases and how an answer is compared.

    Attributes:
        name: the function's name, the one the reader must define.
        params: its parameters with their annotations, e.g. ``("nums: list[int]", "s: int")``.
        returns: its return annotation.
        reference: the implementation of ``examples.algorithms`` that gives the expected values.
        examples: the page's worked examples, as argument tuples.
        edges: ``(note, args)`` pairs: the edge cases the page warns about.
        random_args: draws the arguments of one random case.
        accept: ``accept(args, expected, got)`` tells whether ``got`` answers a case whose reference answer is
            ``expected`` (never called when ``expected`` is :class:`Raises`).
    """

    name: str
    params: tuple[str, ...]
    returns: str
    reference: Callable
    examples: tuple[tuple, ...]
    edges: tuple[tuple[str, tuple], ...]
    random_args: Callable[[random.Random], tuple]
    accept: Callable[[tuple, object, object], bool] = field(default=lambda args, expected, got: same_int(expected, got))


class MissingFunction(Exception):
    """The reader's code defines no function of the expected name."""


def is_int(value: object) -> bool:
    """Whether ``value`` is an ``int`` and not a ``bool``."""
    return isinstance(value, int) and not isinstance(value, bool)


def same_int(expected: object, got: object) -> bool:
    """Whether ``got`` is an int (not a bool or float) equal to ``expected``."""
    return is_int(got) and got == expected


def any_maximum_subarray(args: tuple, expected: object, got: object) -> bool:
    """Whether ``got`` is a valid ``(best, start, stop)`` for ``nums = args[0]``, whichever maximum subarray it names.

    Args:
        args: ``(nums,)`` with n >= 1 numbers.
        expected: the reference's ``(best, start, stop)``; only ``best`` is compared.
        got: the reader's answer: a tuple or list of three ints.

    Returns:
        True if ``got[0] == best``, ``0 <= start < stop <= n`` and ``sum(nums[start:stop]) == best``.
    """
    nums = args[0]
    if not isinstance(got, (tuple, list)) or len(got) != 3 or not all(is_int(v) for v in got):
        return False
    best, start, stop = got
    return best == expected[0] and 0 <= start < stop <= len(nums) and sum(nums[start:stop]) == best


def _ints(rng: random.Random, low: int, high: int, min_len: int = 0, max_len: int = 12) -> list[int]:
    """A random list of ``min_len`` to ``max_len`` integers in ``[low, high]``."""
    return [rng.randint(low, high) for _ in range(rng.randint(min_len, max_len))]


PROBLEMS: dict[str, Problem] = {
    problem.name: problem
    for problem in (
        Problem(
            name="longest_subarray_at_most",
            params=("nums: list[int]", "s: int"),
            returns="int",
            reference=longest_subarray_at_most,
            examples=(([2, 3, 1, 2, 4, 3], 7),),
            edges=(
                ("bound_inclusive", ([3, 4], 7)),
                ("empty", ([], 7)),
                ("none_fits", ([9, 8], 7)),
                ("s_zero", ([1, 2, 3], 0)),
                ("zeros", ([0, 1, 0, 0, 2], 0)),
                ("whole_array", ([1, 1, 1], 3)),
                ("single", ([5], 5)),
            ),
            random_args=lambda rng: (_ints(rng, 0, 9), rng.randint(0, 25)),
        ),
        Problem(
            name="longest_subarray_at_most_any",
            params=("nums: list[int]", "s: int"),
            returns="int",
            reference=longest_subarray_at_most_any,
            examples=(([2, 3, 1, 2, 4, 3], 7),),
            edges=(
                ("negatives", ([8, -6, 2, 3], 7)),
                ("negative_bound", ([1, -3, 1, 1], -2)),
                ("single", ([5, 1], 1)),
                ("empty", ([], 0)),
                ("none_fits", ([5, 6], 4)),
                ("all_negative", ([-1, -2, -3], -4)),
                ("zeros", ([0, 0, 1, -1], 0)),
            ),
            random_args=lambda rng: (_ints(rng, -9, 9), rng.randint(-10, 20)),
        ),
        Problem(
            name="shortest_subarray_at_least",
            params=("nums: list[int]", "target: int"),
            returns="int",
            reference=shortest_subarray_at_least,
            examples=(([2, 3, 1, 2, 4, 3], 7), ([1, 4, 4], 4), ([1] * 8, 11)),
            edges=(
                ("bound_inclusive", ([3, 4], 7)),
                ("empty", ([], 1)),
                ("zeros", ([0, 0, 5, 0], 5)),
                ("whole_array", ([1, 2, 3], 6)),
                ("single", ([9], 9)),
            ),
            random_args=lambda rng: (_ints(rng, 0, 9), rng.randint(1, 30)),
        ),
        Problem(
            name="max_subarray_sum",
            params=("nums: list[int]",),
            returns="int",
            reference=max_subarray_sum,
            examples=(([-2, 1, -3, 4, -1, 2, 1, -5, 4],), ([1],), ([5, 4, -1, 7, 8],)),
            edges=(
                ("all_negative", ([-3, -1, -2],)),
                ("empty", ([],)),
                ("zeros", ([-1, 0, -2],)),
                ("single", ([-5],)),
            ),
            random_args=lambda rng: (_ints(rng, -9, 9, min_len=1),),
        ),
        Problem(
            name="max_subarray",
            params=("nums: list[int]",),
            returns="tuple[int, int, int]",
            reference=max_subarray,
            examples=(([-2, 1, -3, 4, -1, 2, 1, -5, 4],), ([1],), ([5, 4, -1, 7, 8],)),
            edges=(
                ("all_negative", ([-3, -1, -2],)),
                ("empty", ([],)),
                ("ties", ([2, -2, 3],)),
                ("zeros", ([0, 0],)),
            ),
            random_args=lambda rng: (_ints(rng, -9, 9, min_len=1),),
            accept=any_maximum_subarray,
        ),
    )
}

# The docstring a reader's code box starts with, per language (a translated edition adds its own; others fall
# back to English). Kept apart from the pages so that no Python block on a page is left untested.
SEED_DOCSTRINGS: dict[str, dict[str, str]] = {
    "en": {
        "longest_subarray_at_most": (
            "Length of the longest contiguous subarray of nums whose sum is <= s.\n\n"
            "nums: non-negative integers, possibly none; s >= 0.\n"
            "Return 0 if no non-empty subarray qualifies."
        ),
        "longest_subarray_at_most_any": (
            "Length of the longest contiguous subarray of nums whose sum is <= s.\n\n"
            "nums: integers of any sign, possibly none; s: any integer.\n"
            "Return 0 if no non-empty subarray qualifies."
        ),
        "shortest_subarray_at_least": (
            "Length of the shortest contiguous subarray of nums whose sum is >= target (LeetCode 209).\n\n"
            "nums: non-negative integers, possibly none; target >= 1.\n"
            "Return 0 if no subarray qualifies."
        ),
        "max_subarray_sum": (
            "Largest sum of a contiguous subarray with at least one element (LeetCode 53).\n\n"
            "nums: integers of any sign.\n"
            "Raise ValueError if nums is empty."
        ),
        "max_subarray": (
            "Largest subarray sum and where it is: (best, start, stop), with\n"
            "sum(nums[start:stop]) == best and start < stop (stop is exclusive).\n"
            "Any subarray with the largest sum is accepted.\n\n"
            "nums: integers of any sign.\n"
            "Raise ValueError if nums is empty."
        ),
    },
}


def problem(name: str) -> Problem:
    """The problem whose function is called ``name``, or ``KeyError`` listing the known ones."""
    try:
        return PROBLEMS[name]
    except KeyError:
        raise KeyError(f"name must be one of {sorted(PROBLEMS)}, got {name!r}") from None


def signature(name: str) -> str:
    """The ``def`` line of the function the reader writes, e.g. ``def f(nums: list[int], s: int) -> int:``."""
    p = problem(name)
    return f"def {p.name}({', '.join(p.params)}) -> {p.returns}:"


def seed_code(name: str, language: str = "en") -> str:
    """The code a reader's box starts with: the signature, the docstring in ``language``, and no body yet.

    Args:
        name: the problem's function name (a key of :data:`PROBLEMS`).
        language: the page's language; English where there is no docstring in that language.

    Returns:
        Python source that compiles and defines the function, which raises ``NotImplementedError``.
    """
    docs = SEED_DOCSTRINGS.get(language, SEED_DOCSTRINGS["en"])
    doc = docs.get(name, SEED_DOCSTRINGS["en"][name])
    body = "\n".join("    " + line if line else "" for line in doc.splitlines())
    return f'{signature(name)}\n    """{body.lstrip()}\n    """\n    raise NotImplementedError\n'


def expected_outcome(reference: Callable, args: tuple) -> object:
    """``reference(*args)``, or :class:`Raises` if the reference refuses the input with a ``ValueError``."""
    try:
        return reference(*copy.deepcopy(args))
    except ValueError as error:
        return Raises(type(error))


@lru_cache(maxsize=16)
def cases(name: str, n_random: int = N_RANDOM, seed: int = SEED) -> tuple[Case, ...]:
    """Every case of a problem: worked examples, then edge cases, then ``n_random`` seeded random ones.

    Args:
        name: the problem's function name (a key of :data:`PROBLEMS`).
        n_random: how many random cases.
        seed: the random generator's seed: the same seed gives the same cases, in CPython as in Pyodide.

    Returns:
        The cases, in the order the judge runs them, with the reference's expected outcomes.
    """
    p = problem(name)
    rng = random.Random(seed)
    named = [("example", str(i), args) for i, args in enumerate(p.examples, start=1)]
    named += [("edge", note, args) for note, args in p.edges]
    drawn = [("random", str(i), p.random_args(rng)) for i in range(1, n_random + 1)]
    return tuple(Case(group, note, args, expected_outcome(p.reference, args)) for group, note, args in named + drawn)


def input_text(name: str, args: tuple) -> str:
    """The arguments of a call as Python assignments, e.g. ``nums = [3, 4], s = 7``."""
    names = [param.split(":")[0] for param in problem(name).params]
    return ", ".join(f"{n} = {value!r}" for n, value in zip(names, args, strict=True))


def short_repr(value: object) -> str:
    """``repr(value)``, cut to ``MAX_REPR`` characters."""
    text = repr(value)
    return text if len(text) <= MAX_REPR else text[: MAX_REPR - 3] + "..."


def reader_traceback(error: BaseException) -> str:
    """The traceback of ``error`` from the first frame of the reader's code on (the judge's own frames left out)."""
    tb = error.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != FILENAME:
        tb = tb.tb_next
    if isinstance(error, SyntaxError) or tb is None:
        return "".join(traceback.format_exception_only(type(error), error))
    return "".join(traceback.format_exception(type(error), error, tb))


def error_text(error: BaseException) -> str:
    """``TypeName: message``, the last line of a traceback."""
    return "".join(traceback.format_exception_only(type(error), error)).strip()


def load_function(source: str, name: str) -> Callable:
    """Run the reader's ``source`` and return its function ``name``.

    Raises:
        SyntaxError: if ``source`` does not compile.
        MissingFunction: if it defines no callable ``name``.
        Exception: whatever the source raises while it runs.
    """
    linecache.cache[FILENAME] = (len(source), None, source.splitlines(keepends=True), FILENAME)
    namespace: dict = {"__name__": "solution"}
    exec(compile(source, FILENAME, "exec"), namespace)  # noqa: S102 - the reader runs their own code
    function = namespace.get(name)
    if not callable(function):
        raise MissingFunction(name)
    return function


def check(p: Problem, case: Case, function: Callable) -> tuple[bool, dict]:
    """Call ``function`` on one case; return whether it passed and what it did (``got`` or ``raised``)."""
    try:
        got = function(*copy.deepcopy(case.args))
    except Exception as error:  # noqa: BLE001 - any exception of the reader's code is reported
        passed = isinstance(case.expected, Raises) and isinstance(error, case.expected.error)
        return passed, {"got": None, "raised": error_text(error), "traceback": reader_traceback(error)}
    passed = not isinstance(case.expected, Raises) and p.accept(case.args, case.expected, got)
    return passed, {"got": short_repr(got), "raised": None, "traceback": None}


def judge(
    name: str,
    source: str,
    progress: Callable[[int, str], object] | None = None,
    n_random: int = N_RANDOM,
    seed: int = SEED,
) -> dict:
    """Run the reader's ``source`` against every case of problem ``name``.

    Args:
        name: the problem's function name (a key of :data:`PROBLEMS`).
        source: the reader's Python code, which must define that function.
        progress: called as ``progress(index, input_text)`` before each case, so that a caller who has to stop a
            function that never returns can say on which input it hung.
        n_random: how many random cases.
        seed: the random cases' seed.

    Returns:
        A JSON-ready dict. ``status`` is ``"done"`` (the cases ran), ``"syntax_error"`` or ``"load_error"`` (the
        code does not compile, or raised while it was run: ``traceback``), or ``"no_function"`` (it defines no
        function ``name``). When done: ``cases`` (per case ``group``, ``note``, ``passed``), ``passed``,
        ``total`` and ``first_failure`` (``None``, or the case's ``index``, ``group``, ``note``, ``input``,
        ``expected`` (a repr) or ``expected_raises`` (an exception name), and ``got`` (a repr) or ``raised``
        with its ``traceback``). ``output`` is what the code printed (at most ``MAX_OUTPUT`` characters).
    """
    p = problem(name)
    all_cases = cases(name, n_random, seed)
    printed = io.StringIO()
    result: dict = {"status": "done", "name": name, "traceback": None, "cases": [], "first_failure": None}
    with contextlib.redirect_stdout(printed):
        try:
            function = load_function(source, name)
        except SyntaxError as error:
            function, result["status"], result["traceback"] = None, "syntax_error", reader_traceback(error)
        except MissingFunction:
            function, result["status"] = None, "no_function"
        except Exception as error:  # noqa: BLE001 - reported to the reader
            function, result["status"], result["traceback"] = None, "load_error", reader_traceback(error)
        for index, case in enumerate(all_cases if function else ()):
            text = input_text(name, case.args)
            if progress is not None:
                progress(index, text)
            passed, outcome = check(p, case, function)
            result["cases"].append({"group": case.group, "note": case.note, "passed": passed})
            if not passed and result["first_failure"] is None:
                expected = case.expected
                raises = expected.error.__name__ if isinstance(expected, Raises) else None
                result["first_failure"] = {
                    "index": index, "group": case.group, "note": case.note, "input": text,
                    "expected": None if raises else repr(expected), "expected_raises": raises, **outcome,
                }
    result["passed"] = sum(c["passed"] for c in result["cases"])
    result["total"] = len(result["cases"])
    result["output"] = printed.getvalue()[:MAX_OUTPUT]
    return result


if __name__ == "__main__":
    print(seed_code("max_subarray"))
    outcome = judge("max_subarray_sum", "def max_subarray_sum(nums):\n    return max(nums)\n")
    print(outcome["passed"], "of", outcome["total"], outcome["first_failure"])
