from fastapi.testclient import TestClient


def test_healthz_reports_the_service_as_up(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "service": "${{ values.name }}"}


def test_readyz_reports_the_service_as_ready(client: TestClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {"ready": True}
