from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conflict_problem_details import ConflictProblemDetails
from ...models.person_read import PersonRead
from ...models.person_update import PersonUpdate
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    person_id: UUID,
    *,
    body: PersonUpdate,
    x_purpose: str,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["x-purpose"] = x_purpose

    if not isinstance(if_match, Unset):
        headers["if-match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/persons/{person_id}".format(
            person_id=quote(str(person_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConflictProblemDetails | PersonRead | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = PersonRead.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ProblemDetails.from_dict(response.json())

        return response_400

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

    if response.status_code == 412:
        response_412 = ProblemDetails.from_dict(response.json())

        return response_412

    if response.status_code == 413:
        response_413 = ProblemDetails.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ValidationProblemDetails.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ConflictProblemDetails | PersonRead | ProblemDetails | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    person_id: UUID,
    *,
    client: AuthenticatedClient,
    body: PersonUpdate,
    x_purpose: str,
    if_match: str | Unset = UNSET,
) -> Response[ConflictProblemDetails | PersonRead | ProblemDetails | ValidationProblemDetails]:
    """Update Person

     Change the fields sent. Send `If-Match` with the ETag you read to avoid lost updates.

    Args:
        person_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.
        if_match (str | Unset): The ETag you read, e.g. `"3"`, or `*`; any other value gets 412.
        body (PersonUpdate): A partial change: only the fields sent are changed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | PersonRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        person_id=person_id,
        body=body,
        x_purpose=x_purpose,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    person_id: UUID,
    *,
    client: AuthenticatedClient,
    body: PersonUpdate,
    x_purpose: str,
    if_match: str | Unset = UNSET,
) -> ConflictProblemDetails | PersonRead | ProblemDetails | ValidationProblemDetails | None:
    """Update Person

     Change the fields sent. Send `If-Match` with the ETag you read to avoid lost updates.

    Args:
        person_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.
        if_match (str | Unset): The ETag you read, e.g. `"3"`, or `*`; any other value gets 412.
        body (PersonUpdate): A partial change: only the fields sent are changed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | PersonRead | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        person_id=person_id,
        client=client,
        body=body,
        x_purpose=x_purpose,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    person_id: UUID,
    *,
    client: AuthenticatedClient,
    body: PersonUpdate,
    x_purpose: str,
    if_match: str | Unset = UNSET,
) -> Response[ConflictProblemDetails | PersonRead | ProblemDetails | ValidationProblemDetails]:
    """Update Person

     Change the fields sent. Send `If-Match` with the ETag you read to avoid lost updates.

    Args:
        person_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.
        if_match (str | Unset): The ETag you read, e.g. `"3"`, or `*`; any other value gets 412.
        body (PersonUpdate): A partial change: only the fields sent are changed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | PersonRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        person_id=person_id,
        body=body,
        x_purpose=x_purpose,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    person_id: UUID,
    *,
    client: AuthenticatedClient,
    body: PersonUpdate,
    x_purpose: str,
    if_match: str | Unset = UNSET,
) -> ConflictProblemDetails | PersonRead | ProblemDetails | ValidationProblemDetails | None:
    """Update Person

     Change the fields sent. Send `If-Match` with the ETag you read to avoid lost updates.

    Args:
        person_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.
        if_match (str | Unset): The ETag you read, e.g. `"3"`, or `*`; any other value gets 412.
        body (PersonUpdate): A partial change: only the fields sent are changed.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | PersonRead | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            person_id=person_id,
            client=client,
            body=body,
            x_purpose=x_purpose,
            if_match=if_match,
        )
    ).parsed
