"""Issue 15: a Russian-language article was stored and silently yielded nothing.

Now it is stored, not analysed, and the ingest summary, the article page and
the API say "not analysed: language ru"; the English article next to it is
analysed as if alone.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from rel_helpers import SAMPLE, run_cli

from tests_stores import Stores  # type: ignore[import-not-found]

RUSSIAN = (
    "Министерство обороны Варнии заявило в воскресенье, что подразделения, участвовавшие в "
    "зимних учениях, начали возвращаться в места постоянной дислокации. Министр обороны "
    "сообщил журналистам, что учения завершены в полном объёме. Наблюдатели на границе "
    "сообщили, что не видели никаких признаков отвода войск."
)


@pytest.mark.slow
def test_a_russian_article_is_stored_and_reported_as_not_analysed(
    stores: Stores, tmp_path: Path
) -> None:
    row = json.loads((SAMPLE / "corpus" / "articles.jsonl").read_text("utf-8").splitlines()[0])
    (tmp_path / "en.txt").write_text(f"{row['title']}\n\n{row['text']}\n", encoding="utf-8")
    (tmp_path / "ru.txt").write_text(f"Войска возвращаются на базы\n\n{RUSSIAN}\n", "utf-8")
    url = stores.new()
    got = run_cli(url, "ingest", "--format", "json", str(tmp_path))
    assert got.returncode == 0, got.stderr
    [note] = [ln for ln in got.stderr.splitlines() if "not analysed" in ln]
    assert note.endswith("not analysed: language ru")
    [summary] = json.loads(got.stdout)
    assert (summary["added"], summary["not_analysed"]) == (2, 1)
    assert summary["statements"] > 0  # the English article was analysed

    arts = {
        a["language"]: a for a in json.loads(run_cli(url, "articles", "--format", "json").stdout)
    }
    assert set(arts) == {"en", "ru"}
    assert arts["ru"]["analysis"] == "not analysed: language ru"
    assert arts["en"]["analysis"] is None

    from claimledger.api.app import create_app
    from claimledger.config import load_config

    config = load_config(
        environ={},
        user_file=Path("/nonexistent"),
        overrides={"extract": {"actors_file": str(SAMPLE / "actors.yaml")}},
    )
    with TestClient(create_app(db_url=url, config=config, dev=True, token=None)) as client:
        detail = client.get(f"/api/articles/{arts['ru']['id']}").json()
        assert detail["article"]["analysis"] == "not analysed: language ru"
        assert detail["statements"] == []
        page = client.get(f"/articles/{arts['ru']['id']}", headers={"accept": "text/html"})
        assert page.status_code == 200
        assert "Not analysed: language ru" in page.text
        english = client.get(f"/api/articles/{arts['en']['id']}").json()
        assert english["statements"]


def test_the_api_ingest_answer_names_articles_not_analysed(stores: Stores, tmp_path: Path) -> None:
    from claimledger.api.app import create_app
    from claimledger.config import load_config

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "ru.txt").write_text(f"Войска возвращаются на базы\n\n{RUSSIAN}\n", "utf-8")
    config = load_config(environ={}, user_file=Path("/nonexistent"))
    config.ingest.allowed_dirs = [str(tmp_path)]
    token = "a-token-long-enough-for-the-server-0123456789"
    app = create_app(db_url=stores.new(), config=config, token=token)
    with TestClient(app) as client:
        got = client.post(
            "/api/ingest",
            json={"sources": [str(folder)], "analyse": False},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert got.status_code == 200, got.text
    [article_id] = got.json()["added"]
    assert got.json()["not_analysed"] == [f"{article_id}: not analysed: language ru"]
