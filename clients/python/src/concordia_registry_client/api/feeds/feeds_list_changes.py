from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_change_read import PageChangeRead
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: int | Unset = 0,
    limit: int | Unset = 1000,
    x_purpose: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["x-purpose"] = x_purpose

    params: dict[str, Any] = {}

    params["after"] = after

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/changes",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PageChangeRead | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = PageChangeRead.from_dict(response.json())

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
) -> Response[PageChangeRead | ProblemDetails | ValidationProblemDetails]:
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
    x_purpose: str,
) -> Response[PageChangeRead | ProblemDetails | ValidationProblemDetails]:
    """List Changes

     What changed in the token owner's records after the cursor, oldest first (audited).

    Args:
        after (int | Unset): The `next` of the previous page; 0 to start. Default: 0.
        limit (int | Unset):  Default: 1000.
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageChangeRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
        x_purpose=x_purpose,
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
    x_purpose: str,
) -> PageChangeRead | ProblemDetails | ValidationProblemDetails | None:
    """List Changes

     What changed in the token owner's records after the cursor, oldest first (audited).

    Args:
        after (int | Unset): The `next` of the previous page; 0 to start. Default: 0.
        limit (int | Unset):  Default: 1000.
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageChangeRead | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        after=after,
        limit=limit,
        x_purpose=x_purpose,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 1000,
    x_purpose: str,
) -> Response[PageChangeRead | ProblemDetails | ValidationProblemDetails]:
    """List Changes

     What changed in the token owner's records after the cursor, oldest first (audited).

    Args:
        after (int | Unset): The `next` of the previous page; 0 to start. Default: 0.
        limit (int | Unset):  Default: 1000.
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PageChangeRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
        x_purpose=x_purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 1000,
    x_purpose: str,
) -> PageChangeRead | ProblemDetails | ValidationProblemDetails | None:
    """List Changes

     What changed in the token owner's records after the cursor, oldest first (audited).

    Args:
        after (int | Unset): The `next` of the previous page; 0 to start. Default: 0.
        limit (int | Unset):  Default: 1000.
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PageChangeRead | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            limit=limit,
            x_purpose=x_purpose,
        )
    ).parsed
