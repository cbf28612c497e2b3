from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_audit_read import PageAuditRead
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: int | Unset = 0,
    limit: int | Unset = 1000,
    person_id: None | Unset | UUID = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["after"] = after

    params["limit"] = limit

    json_person_id: str | Unset | None
    if isinstance(person_id, Unset):
        json_person_id = UNSET
    elif isinstance(person_id, UUID):
        json_person_id = str(person_id)
    else:
        json_person_id = person_id
    params["person_id"] = json_person_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/audit",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageAuditRead | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = PageAuditRead.from_dict(response.json())

        return response_200

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())

        return response_403

    if response.status_code == 422:
        response_422 = ValidationProblemDetails.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[PageAuditRead | ProblemDetails | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 1000,
    person_id: None | Unset | UUID = UNSET,
) -> Response[PageAuditRead | ProblemDetails | ValidationProblemDetails]:
    """List Audit

     Who read or changed which person, when and why (scope `ops`).

    Args:
        after (int | Unset): The `next` of the previous page; 0 to start. Default: 0.
        limit (int | Unset):  Default: 1000.
        person_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageAuditRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
        person_id=person_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 1000,
    person_id: None | Unset | UUID = UNSET,
) -> PageAuditRead | ProblemDetails | ValidationProblemDetails | None:
    """List Audit

     Who read or changed which person, when and why (scope `ops`).

    Args:
        after (int | Unset): The `next` of the previous page; 0 to start. Default: 0.
        limit (int | Unset):  Default: 1000.
        person_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageAuditRead | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        after=after,
        limit=limit,
        person_id=person_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 1000,
    person_id: None | Unset | UUID = UNSET,
) -> Response[PageAuditRead | ProblemDetails | ValidationProblemDetails]:
    """List Audit

     Who read or changed which person, when and why (scope `ops`).

    Args:
        after (int | Unset): The `next` of the previous page; 0 to start. Default: 0.
        limit (int | Unset):  Default: 1000.
        person_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageAuditRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
        person_id=person_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 1000,
    person_id: None | Unset | UUID = UNSET,
) -> PageAuditRead | ProblemDetails | ValidationProblemDetails | None:
    """List Audit

     Who read or changed which person, when and why (scope `ops`).

    Args:
        after (int | Unset): The `next` of the previous page; 0 to start. Default: 0.
        limit (int | Unset):  Default: 1000.
        person_id (None | Unset | UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageAuditRead | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            limit=limit,
            person_id=person_id,
        )
    ).parsed
