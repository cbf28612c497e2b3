from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_organisation_read import PageOrganisationRead
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    x_purpose: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_purpose, Unset):
        headers["x-purpose"] = x_purpose

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_after: str | Unset | None
    if isinstance(after, Unset):
        json_after = UNSET
    else:
        json_after = after
    params["after"] = json_after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/organisations",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageOrganisationRead | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = PageOrganisationRead.from_dict(response.json())

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
) -> Response[PageOrganisationRead | ProblemDetails | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    x_purpose: None | str | Unset = UNSET,
) -> Response[PageOrganisationRead | ProblemDetails | ValidationProblemDetails]:
    """List Organisations

     The token owner's organisations in registration order, a keyset page at a time.

    Args:
        limit (int | Unset): Page size. Default: 100.
        after (None | str | Unset): The `next` cursor of the last page.
        x_purpose (None | str | Unset): Why; kept in the audit log.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageOrganisationRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        limit=limit,
        after=after,
        x_purpose=x_purpose,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    x_purpose: None | str | Unset = UNSET,
) -> PageOrganisationRead | ProblemDetails | ValidationProblemDetails | None:
    """List Organisations

     The token owner's organisations in registration order, a keyset page at a time.

    Args:
        limit (int | Unset): Page size. Default: 100.
        after (None | str | Unset): The `next` cursor of the last page.
        x_purpose (None | str | Unset): Why; kept in the audit log.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageOrganisationRead | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        limit=limit,
        after=after,
        x_purpose=x_purpose,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    x_purpose: None | str | Unset = UNSET,
) -> Response[PageOrganisationRead | ProblemDetails | ValidationProblemDetails]:
    """List Organisations

     The token owner's organisations in registration order, a keyset page at a time.

    Args:
        limit (int | Unset): Page size. Default: 100.
        after (None | str | Unset): The `next` cursor of the last page.
        x_purpose (None | str | Unset): Why; kept in the audit log.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageOrganisationRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        limit=limit,
        after=after,
        x_purpose=x_purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    x_purpose: None | str | Unset = UNSET,
) -> PageOrganisationRead | ProblemDetails | ValidationProblemDetails | None:
    """List Organisations

     The token owner's organisations in registration order, a keyset page at a time.

    Args:
        limit (int | Unset): Page size. Default: 100.
        after (None | str | Unset): The `next` cursor of the last page.
        x_purpose (None | str | Unset): Why; kept in the audit log.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageOrganisationRead | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            after=after,
            x_purpose=x_purpose,
        )
    ).parsed
