from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_grant_read import PageGrantRead
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 100,
    donor_id: None | Unset | UUID = UNSET,
    after: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    json_donor_id: str | Unset | None
    if isinstance(donor_id, Unset):
        json_donor_id = UNSET
    elif isinstance(donor_id, UUID):
        json_donor_id = str(donor_id)
    else:
        json_donor_id = donor_id
    params["donor_id"] = json_donor_id

    json_after: str | Unset | None
    if isinstance(after, Unset):
        json_after = UNSET
    else:
        json_after = after
    params["after"] = json_after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/grants",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageGrantRead | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = PageGrantRead.from_dict(response.json())

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
) -> Response[PageGrantRead | ProblemDetails | ValidationProblemDetails]:
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
    donor_id: None | Unset | UUID = UNSET,
    after: None | str | Unset = UNSET,
) -> Response[PageGrantRead | ProblemDetails | ValidationProblemDetails]:
    """List Grants

     Live grants in recording order (without totals), a keyset page at a time.

    Args:
        limit (int | Unset): Page size. Default: 100.
        donor_id (None | Unset | UUID): Only this donor's grants.
        after (None | str | Unset): The `next` cursor of the last page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageGrantRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        limit=limit,
        donor_id=donor_id,
        after=after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    donor_id: None | Unset | UUID = UNSET,
    after: None | str | Unset = UNSET,
) -> PageGrantRead | ProblemDetails | ValidationProblemDetails | None:
    """List Grants

     Live grants in recording order (without totals), a keyset page at a time.

    Args:
        limit (int | Unset): Page size. Default: 100.
        donor_id (None | Unset | UUID): Only this donor's grants.
        after (None | str | Unset): The `next` cursor of the last page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageGrantRead | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        limit=limit,
        donor_id=donor_id,
        after=after,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    donor_id: None | Unset | UUID = UNSET,
    after: None | str | Unset = UNSET,
) -> Response[PageGrantRead | ProblemDetails | ValidationProblemDetails]:
    """List Grants

     Live grants in recording order (without totals), a keyset page at a time.

    Args:
        limit (int | Unset): Page size. Default: 100.
        donor_id (None | Unset | UUID): Only this donor's grants.
        after (None | str | Unset): The `next` cursor of the last page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageGrantRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        limit=limit,
        donor_id=donor_id,
        after=after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    donor_id: None | Unset | UUID = UNSET,
    after: None | str | Unset = UNSET,
) -> PageGrantRead | ProblemDetails | ValidationProblemDetails | None:
    """List Grants

     Live grants in recording order (without totals), a keyset page at a time.

    Args:
        limit (int | Unset): Page size. Default: 100.
        donor_id (None | Unset | UUID): Only this donor's grants.
        after (None | str | Unset): The `next` cursor of the last page.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageGrantRead | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            donor_id=donor_id,
            after=after,
        )
    ).parsed
