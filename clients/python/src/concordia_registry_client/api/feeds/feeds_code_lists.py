from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.feeds_code_lists_response_feeds_code_lists import (
    FeedsCodeListsResponseFeedsCodeLists,
)
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    x_purpose: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(x_purpose, Unset):
        headers["x-purpose"] = x_purpose

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/codes",
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FeedsCodeListsResponseFeedsCodeLists | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = FeedsCodeListsResponseFeedsCodeLists.from_dict(response.json())

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
) -> Response[FeedsCodeListsResponseFeedsCodeLists | ProblemDetails | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    x_purpose: None | str | Unset = UNSET,
) -> Response[FeedsCodeListsResponseFeedsCodeLists | ProblemDetails | ValidationProblemDetails]:
    """Code Lists

     The closed vocabularies the API accepts (regions with federal districts, and the rest).

    Args:
        x_purpose (None | str | Unset): Why; kept in the audit log.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeedsCodeListsResponseFeedsCodeLists | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        x_purpose=x_purpose,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    x_purpose: None | str | Unset = UNSET,
) -> FeedsCodeListsResponseFeedsCodeLists | ProblemDetails | ValidationProblemDetails | None:
    """Code Lists

     The closed vocabularies the API accepts (regions with federal districts, and the rest).

    Args:
        x_purpose (None | str | Unset): Why; kept in the audit log.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeedsCodeListsResponseFeedsCodeLists | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        x_purpose=x_purpose,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    x_purpose: None | str | Unset = UNSET,
) -> Response[FeedsCodeListsResponseFeedsCodeLists | ProblemDetails | ValidationProblemDetails]:
    """Code Lists

     The closed vocabularies the API accepts (regions with federal districts, and the rest).

    Args:
        x_purpose (None | str | Unset): Why; kept in the audit log.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeedsCodeListsResponseFeedsCodeLists | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        x_purpose=x_purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    x_purpose: None | str | Unset = UNSET,
) -> FeedsCodeListsResponseFeedsCodeLists | ProblemDetails | ValidationProblemDetails | None:
    """Code Lists

     The closed vocabularies the API accepts (regions with federal districts, and the rest).

    Args:
        x_purpose (None | str | Unset): Why; kept in the audit log.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeedsCodeListsResponseFeedsCodeLists | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            x_purpose=x_purpose,
        )
    ).parsed
