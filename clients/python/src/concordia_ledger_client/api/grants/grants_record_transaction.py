from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conflict_problem_details import ConflictProblemDetails
from ...models.problem_details import ProblemDetails
from ...models.transaction_create import TransactionCreate
from ...models.transaction_read import TransactionRead
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    grant_id: UUID,
    *,
    body: TransactionCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/grants/{grant_id}/transactions".format(
            grant_id=quote(str(grant_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConflictProblemDetails | ProblemDetails | TransactionRead | ValidationProblemDetails | None:
    if response.status_code == 201:
        response_201 = TransactionRead.from_dict(response.json())

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
) -> Response[ConflictProblemDetails | ProblemDetails | TransactionRead | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    grant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TransactionCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ConflictProblemDetails | ProblemDetails | TransactionRead | ValidationProblemDetails]:
    """Record Transaction

     Record an IATI transaction (commitment, disbursement...) on a grant.

    Args:
        grant_id (UUID):
        idempotency_key (None | str | Unset): Retry safely: the same key and body replay the first
            answer (24 h); the same key with another body is 409.
        body (TransactionCreate): A transaction on a grant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | ProblemDetails | TransactionRead | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        grant_id=grant_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    grant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TransactionCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> ConflictProblemDetails | ProblemDetails | TransactionRead | ValidationProblemDetails | None:
    """Record Transaction

     Record an IATI transaction (commitment, disbursement...) on a grant.

    Args:
        grant_id (UUID):
        idempotency_key (None | str | Unset): Retry safely: the same key and body replay the first
            answer (24 h); the same key with another body is 409.
        body (TransactionCreate): A transaction on a grant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | ProblemDetails | TransactionRead | ValidationProblemDetails
    """

    return sync_detailed(
        grant_id=grant_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    grant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TransactionCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> Response[ConflictProblemDetails | ProblemDetails | TransactionRead | ValidationProblemDetails]:
    """Record Transaction

     Record an IATI transaction (commitment, disbursement...) on a grant.

    Args:
        grant_id (UUID):
        idempotency_key (None | str | Unset): Retry safely: the same key and body replay the first
            answer (24 h); the same key with another body is 409.
        body (TransactionCreate): A transaction on a grant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | ProblemDetails | TransactionRead | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        grant_id=grant_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    grant_id: UUID,
    *,
    client: AuthenticatedClient,
    body: TransactionCreate,
    idempotency_key: None | str | Unset = UNSET,
) -> ConflictProblemDetails | ProblemDetails | TransactionRead | ValidationProblemDetails | None:
    """Record Transaction

     Record an IATI transaction (commitment, disbursement...) on a grant.

    Args:
        grant_id (UUID):
        idempotency_key (None | str | Unset): Retry safely: the same key and body replay the first
            answer (24 h); the same key with another body is 409.
        body (TransactionCreate): A transaction on a grant.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | ProblemDetails | TransactionRead | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            grant_id=grant_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
