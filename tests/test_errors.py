from pathlib import Path

from ankigen.errors import CardSetError, Problem, split, warning


def test_problem_reads_like_a_compiler_message() -> None:
    assert str(Problem(Path("cards/a.yaml"), 3, "boom")) == "cards/a.yaml:3: boom"
    assert str(Problem(Path("cards/a.yaml"), None, "empty")) == "cards/a.yaml: empty"
    assert str(warning(Path("cards/a.yaml"), 4, "odd")) == "cards/a.yaml:4: warning: odd"


def test_split_separates_warnings_from_errors() -> None:
    error, note = Problem(Path("a.yaml"), 1, "bad"), warning(Path("a.yaml"), 2, "odd")
    assert split([note, error]) == ([error], [note])


def test_error_sorts_by_place_and_drops_repeats() -> None:
    b = Problem(Path("b.yaml"), 1, "x")
    a2, a10 = Problem(Path("a.yaml"), 2, "y"), Problem(Path("a.yaml"), 10, "z")
    error = CardSetError([b, a10, a2, b])
    assert error.problems == [a2, a10, b]
    assert str(error) == "a.yaml:2: y\na.yaml:10: z\nb.yaml:1: x"
