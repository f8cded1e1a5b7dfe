import pytest

from ankigen.check import check
from ankigen.errors import CardSetError

from .conftest import CODE, THEORY


def test_check_reports_load_render_and_lock_problems_together(write_cards) -> None:
    root = write_cards(code=CODE.replace("question: Show code", "question: '<script>x</script>'"))
    (root / "ankigen.lock").write_text("{")
    (root / "theory.yaml").write_text(THEORY.replace("level: basic", "level: hard"))
    with pytest.raises(CardSetError) as info:
        check(root)
    messages = [str(p).removeprefix(f"{root}/") for p in info.value.problems]
    assert len(messages) == 3
    assert messages[1:] == [
        "code.yaml:4: <script> is not allowed in a card",
        "theory.yaml:12: card 'alpha': level must be one of basic, intermediate, advanced, "
        "not 'hard'",
    ]
    assert messages[0].startswith("ankigen.lock: cannot read the lock file")


def test_check_writes_no_package_and_no_lock(write_cards) -> None:
    root = write_cards()
    checked = check(root)
    assert len(checked.card_set.cards) == len(checked.rendered.cards) > 0
    assert not (root / "ankigen.lock").exists() and not (root / "dist").exists()
    assert checked.lock_found is False
