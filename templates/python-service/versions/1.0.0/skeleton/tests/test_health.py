from fastapi.testclient import TestClient

from app.main import app

client = TestClient(app)


def test_healthz_reports_the_service_as_up() -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "${{ values.name }}"}
