from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conflict_problem_details import ConflictProblemDetails
from ...models.consent_read import ConsentRead
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import Response


def _get_kwargs(
    person_id: UUID,
    consent_id: UUID,
    *,
    x_purpose: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["x-purpose"] = x_purpose

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/persons/{person_id}/consents/{consent_id}/withdraw".format(
            person_id=quote(str(person_id), safe=""),
            consent_id=quote(str(consent_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConflictProblemDetails | ConsentRead | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = ConsentRead.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = ProblemDetails.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = ConflictProblemDetails.from_dict(response.json())

        return response_409

    if response.status_code == 422:
        response_422 = ValidationProblemDetails.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ConflictProblemDetails | ConsentRead | ProblemDetails | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    person_id: UUID,
    consent_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: str,
) -> Response[ConflictProblemDetails | ConsentRead | ProblemDetails | ValidationProblemDetails]:
    """Withdraw Consent

     Withdraw a consent (idempotent).

    Args:
        person_id (UUID):
        consent_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | ConsentRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        person_id=person_id,
        consent_id=consent_id,
        x_purpose=x_purpose,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    person_id: UUID,
    consent_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: str,
) -> ConflictProblemDetails | ConsentRead | ProblemDetails | ValidationProblemDetails | None:
    """Withdraw Consent

     Withdraw a consent (idempotent).

    Args:
        person_id (UUID):
        consent_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | ConsentRead | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        person_id=person_id,
        consent_id=consent_id,
        client=client,
        x_purpose=x_purpose,
    ).parsed


async def asyncio_detailed(
    person_id: UUID,
    consent_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: str,
) -> Response[ConflictProblemDetails | ConsentRead | ProblemDetails | ValidationProblemDetails]:
    """Withdraw Consent

     Withdraw a consent (idempotent).

    Args:
        person_id (UUID):
        consent_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | ConsentRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        person_id=person_id,
        consent_id=consent_id,
        x_purpose=x_purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    person_id: UUID,
    consent_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: str,
) -> ConflictProblemDetails | ConsentRead | ProblemDetails | ValidationProblemDetails | None:
    """Withdraw Consent

     Withdraw a consent (idempotent).

    Args:
        person_id (UUID):
        consent_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | ConsentRead | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            person_id=person_id,
            consent_id=consent_id,
            client=client,
            x_purpose=x_purpose,
        )
    ).parsed
