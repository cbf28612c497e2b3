from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.donor_read import DonorRead
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import Response


def _get_kwargs(
    donor_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/donors/{donor_id}".format(
            donor_id=quote(str(donor_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> DonorRead | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = DonorRead.from_dict(response.json())

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

    if response.status_code == 422:
        response_422 = ValidationProblemDetails.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[DonorRead | ProblemDetails | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    donor_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[DonorRead | ProblemDetails | ValidationProblemDetails]:
    """Get Donor

     One donor.

    Args:
        donor_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DonorRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        donor_id=donor_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    donor_id: UUID,
    *,
    client: AuthenticatedClient,
) -> DonorRead | ProblemDetails | ValidationProblemDetails | None:
    """Get Donor

     One donor.

    Args:
        donor_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DonorRead | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        donor_id=donor_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    donor_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[DonorRead | ProblemDetails | ValidationProblemDetails]:
    """Get Donor

     One donor.

    Args:
        donor_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[DonorRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        donor_id=donor_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    donor_id: UUID,
    *,
    client: AuthenticatedClient,
) -> DonorRead | ProblemDetails | ValidationProblemDetails | None:
    """Get Donor

     One donor.

    Args:
        donor_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        DonorRead | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            donor_id=donor_id,
            client=client,
        )
    ).parsed
