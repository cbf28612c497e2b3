from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conflict_problem_details import ConflictProblemDetails
from ...models.permit_create import PermitCreate
from ...models.permit_read import PermitRead
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import Response


def _get_kwargs(
    *,
    body: PermitCreate,
    x_purpose: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["x-purpose"] = x_purpose

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/permits",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConflictProblemDetails | PermitRead | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 201:
        response_201 = PermitRead.from_dict(response.json())

        return response_201

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
) -> Response[ConflictProblemDetails | PermitRead | ProblemDetails | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: PermitCreate,
    x_purpose: str,
) -> Response[ConflictProblemDetails | PermitRead | ProblemDetails | ValidationProblemDetails]:
    """Create Permit

     Record a permit or visa of a registered person of the token's owner (404 for an unknown one).

    Args:
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.
        body (PermitCreate): A new permit of a person.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | PermitRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        body=body,
        x_purpose=x_purpose,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: PermitCreate,
    x_purpose: str,
) -> ConflictProblemDetails | PermitRead | ProblemDetails | ValidationProblemDetails | None:
    """Create Permit

     Record a permit or visa of a registered person of the token's owner (404 for an unknown one).

    Args:
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.
        body (PermitCreate): A new permit of a person.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | PermitRead | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        body=body,
        x_purpose=x_purpose,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: PermitCreate,
    x_purpose: str,
) -> Response[ConflictProblemDetails | PermitRead | ProblemDetails | ValidationProblemDetails]:
    """Create Permit

     Record a permit or visa of a registered person of the token's owner (404 for an unknown one).

    Args:
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.
        body (PermitCreate): A new permit of a person.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | PermitRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        body=body,
        x_purpose=x_purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: PermitCreate,
    x_purpose: str,
) -> ConflictProblemDetails | PermitRead | ProblemDetails | ValidationProblemDetails | None:
    """Create Permit

     Record a permit or visa of a registered person of the token's owner (404 for an unknown one).

    Args:
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.
        body (PermitCreate): A new permit of a person.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | PermitRead | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            x_purpose=x_purpose,
        )
    ).parsed
