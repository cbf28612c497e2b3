from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.transaction_read import TransactionRead
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import Response


def _get_kwargs(
    grant_id: UUID,
    transaction_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/grants/{grant_id}/transactions/{transaction_id}".format(
            grant_id=quote(str(grant_id), safe=""),
            transaction_id=quote(str(transaction_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | TransactionRead | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = TransactionRead.from_dict(response.json())

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
) -> Response[ProblemDetails | TransactionRead | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    grant_id: UUID,
    transaction_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[ProblemDetails | TransactionRead | ValidationProblemDetails]:
    """Get Transaction

     One transaction.

    Args:
        grant_id (UUID):
        transaction_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | TransactionRead | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        grant_id=grant_id,
        transaction_id=transaction_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    grant_id: UUID,
    transaction_id: UUID,
    *,
    client: AuthenticatedClient,
) -> ProblemDetails | TransactionRead | ValidationProblemDetails | None:
    """Get Transaction

     One transaction.

    Args:
        grant_id (UUID):
        transaction_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | TransactionRead | ValidationProblemDetails
    """

    return sync_detailed(
        grant_id=grant_id,
        transaction_id=transaction_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    grant_id: UUID,
    transaction_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[ProblemDetails | TransactionRead | ValidationProblemDetails]:
    """Get Transaction

     One transaction.

    Args:
        grant_id (UUID):
        transaction_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | TransactionRead | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        grant_id=grant_id,
        transaction_id=transaction_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    grant_id: UUID,
    transaction_id: UUID,
    *,
    client: AuthenticatedClient,
) -> ProblemDetails | TransactionRead | ValidationProblemDetails | None:
    """Get Transaction

     One transaction.

    Args:
        grant_id (UUID):
        transaction_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | TransactionRead | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            grant_id=grant_id,
            transaction_id=transaction_id,
            client=client,
        )
    ).parsed
