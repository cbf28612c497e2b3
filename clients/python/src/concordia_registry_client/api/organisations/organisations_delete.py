from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conflict_problem_details import ConflictProblemDetails
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    org_id: UUID,
    *,
    x_purpose: None | str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_purpose, Unset):
        headers["x-purpose"] = x_purpose

    if not isinstance(if_match, Unset):
        headers["if-match"] = if_match

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/organisations/{org_id}".format(
            org_id=quote(str(org_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | ConflictProblemDetails | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 204:
        response_204 = cast(Any, None)
        return response_204

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

    if response.status_code == 422:
        response_422 = ValidationProblemDetails.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | ConflictProblemDetails | ProblemDetails | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: None | str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Response[Any | ConflictProblemDetails | ProblemDetails | ValidationProblemDetails]:
    """Delete Organisation

     Remove an organisation and its memberships.

    Args:
        org_id (UUID):
        x_purpose (None | str | Unset): Why; kept in the audit log.
        if_match (str | Unset): The ETag you read, e.g. `"3"`, or `*`; any other value gets 412.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ConflictProblemDetails | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        x_purpose=x_purpose,
        if_match=if_match,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: None | str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Any | ConflictProblemDetails | ProblemDetails | ValidationProblemDetails | None:
    """Delete Organisation

     Remove an organisation and its memberships.

    Args:
        org_id (UUID):
        x_purpose (None | str | Unset): Why; kept in the audit log.
        if_match (str | Unset): The ETag you read, e.g. `"3"`, or `*`; any other value gets 412.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ConflictProblemDetails | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        org_id=org_id,
        client=client,
        x_purpose=x_purpose,
        if_match=if_match,
    ).parsed


async def asyncio_detailed(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: None | str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Response[Any | ConflictProblemDetails | ProblemDetails | ValidationProblemDetails]:
    """Delete Organisation

     Remove an organisation and its memberships.

    Args:
        org_id (UUID):
        x_purpose (None | str | Unset): Why; kept in the audit log.
        if_match (str | Unset): The ETag you read, e.g. `"3"`, or `*`; any other value gets 412.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | ConflictProblemDetails | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        x_purpose=x_purpose,
        if_match=if_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: None | str | Unset = UNSET,
    if_match: str | Unset = UNSET,
) -> Any | ConflictProblemDetails | ProblemDetails | ValidationProblemDetails | None:
    """Delete Organisation

     Remove an organisation and its memberships.

    Args:
        org_id (UUID):
        x_purpose (None | str | Unset): Why; kept in the audit log.
        if_match (str | Unset): The ETag you read, e.g. `"3"`, or `*`; any other value gets 412.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | ConflictProblemDetails | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            client=client,
            x_purpose=x_purpose,
            if_match=if_match,
        )
    ).parsed
