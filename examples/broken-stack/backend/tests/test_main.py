from app.main import database_url


def test_database_url_names_the_server(monkeypatch):
    monkeypatch.setenv("POSTGRES_SERVER", "db")
    monkeypatch.setenv("POSTGRES_PORT", "5432")
    assert "@db:5432/" in database_url()
