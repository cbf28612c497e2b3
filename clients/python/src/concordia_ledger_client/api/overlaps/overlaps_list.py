from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.overlaps_list_purpose import OverlapsListPurpose
from ...models.overlaps_read import OverlapsRead
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response


def _get_kwargs(
    *,
    period: str,
    purpose: OverlapsListPurpose,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["period"] = period

    json_purpose = purpose.value
    params["purpose"] = json_purpose

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/overlaps",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> OverlapsRead | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = OverlapsRead.from_dict(response.json())

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
) -> Response[OverlapsRead | ProblemDetails | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    period: str,
    purpose: OverlapsListPurpose,
) -> Response[OverlapsRead | ProblemDetails | ValidationProblemDetails]:
    """List Overlaps

     This node's grantees that other coalition nodes fund for the same purpose and quarter.

    Found by private set intersection: only this node's own grantees are named, never another
    node's; restricted grants never take part.

    Args:
        period (str): A quarter.
        purpose (OverlapsListPurpose): The grants' purpose.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OverlapsRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        period=period,
        purpose=purpose,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    period: str,
    purpose: OverlapsListPurpose,
) -> OverlapsRead | ProblemDetails | ValidationProblemDetails | None:
    """List Overlaps

     This node's grantees that other coalition nodes fund for the same purpose and quarter.

    Found by private set intersection: only this node's own grantees are named, never another
    node's; restricted grants never take part.

    Args:
        period (str): A quarter.
        purpose (OverlapsListPurpose): The grants' purpose.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OverlapsRead | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        period=period,
        purpose=purpose,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    period: str,
    purpose: OverlapsListPurpose,
) -> Response[OverlapsRead | ProblemDetails | ValidationProblemDetails]:
    """List Overlaps

     This node's grantees that other coalition nodes fund for the same purpose and quarter.

    Found by private set intersection: only this node's own grantees are named, never another
    node's; restricted grants never take part.

    Args:
        period (str): A quarter.
        purpose (OverlapsListPurpose): The grants' purpose.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[OverlapsRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        period=period,
        purpose=purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    period: str,
    purpose: OverlapsListPurpose,
) -> OverlapsRead | ProblemDetails | ValidationProblemDetails | None:
    """List Overlaps

     This node's grantees that other coalition nodes fund for the same purpose and quarter.

    Found by private set intersection: only this node's own grantees are named, never another
    node's; restricted grants never take part.

    Args:
        period (str): A quarter.
        purpose (OverlapsListPurpose): The grants' purpose.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        OverlapsRead | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            period=period,
            purpose=purpose,
        )
    ).parsed
