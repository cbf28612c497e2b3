from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.coalition_document import CoalitionDocument
from ...models.conflict_problem_details import ConflictProblemDetails
from ...models.problem_details import ProblemDetails
from ...models.signed_document import SignedDocument
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import Response


def _get_kwargs(
    *,
    body: CoalitionDocument,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/coalition/signatures",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConflictProblemDetails | ProblemDetails | SignedDocument | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = SignedDocument.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ProblemDetails.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ProblemDetails.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = ProblemDetails.from_dict(response.json())

        return response_403

    if response.status_code == 409:
        response_409 = ConflictProblemDetails.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = ProblemDetails.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = ValidationProblemDetails.from_dict(response.json())

        return response_422

    if response.status_code == 503:
        response_503 = ProblemDetails.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ConflictProblemDetails | ProblemDetails | SignedDocument | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CoalitionDocument,
) -> Response[ConflictProblemDetails | ProblemDetails | SignedDocument | ValidationProblemDetails]:
    """Coalition Sign

     Sign a proposed charter or a decision of the coordination group with this node's
    key (scope `ops`): what `concordia charter sign` and `decision sign` do, for a portal.

    Send the document the hub serves (`GET /v1/charter/{revision}/document` or
    `/v1/decisions/{id}/document`); the answer is the document with this node's signature,
    which the caller relays to the hub (`POST .../signatures`). A body without a canonical
    JSON form (RFC 8785, e.g. a lone surrogate or an integer beyond 2^53) is a 409
    `inconsistent-fields`. The key never leaves the node.
    Only charters and decisions are signed here: a directory change is signed offline
    (`concordia node pin-directory`). 503 when this node has no key.

    Args:
        body (CoalitionDocument): A document a node's API signs (``POST
            /v1/coalition/signatures``): a proposed charter or
            a decision of the coordination group, as the hub serves it (its signatures need not come
            along: this node's is added to none of them).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | ProblemDetails | SignedDocument | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CoalitionDocument,
) -> ConflictProblemDetails | ProblemDetails | SignedDocument | ValidationProblemDetails | None:
    """Coalition Sign

     Sign a proposed charter or a decision of the coordination group with this node's
    key (scope `ops`): what `concordia charter sign` and `decision sign` do, for a portal.

    Send the document the hub serves (`GET /v1/charter/{revision}/document` or
    `/v1/decisions/{id}/document`); the answer is the document with this node's signature,
    which the caller relays to the hub (`POST .../signatures`). A body without a canonical
    JSON form (RFC 8785, e.g. a lone surrogate or an integer beyond 2^53) is a 409
    `inconsistent-fields`. The key never leaves the node.
    Only charters and decisions are signed here: a directory change is signed offline
    (`concordia node pin-directory`). 503 when this node has no key.

    Args:
        body (CoalitionDocument): A document a node's API signs (``POST
            /v1/coalition/signatures``): a proposed charter or
            a decision of the coordination group, as the hub serves it (its signatures need not come
            along: this node's is added to none of them).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | ProblemDetails | SignedDocument | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CoalitionDocument,
) -> Response[ConflictProblemDetails | ProblemDetails | SignedDocument | ValidationProblemDetails]:
    """Coalition Sign

     Sign a proposed charter or a decision of the coordination group with this node's
    key (scope `ops`): what `concordia charter sign` and `decision sign` do, for a portal.

    Send the document the hub serves (`GET /v1/charter/{revision}/document` or
    `/v1/decisions/{id}/document`); the answer is the document with this node's signature,
    which the caller relays to the hub (`POST .../signatures`). A body without a canonical
    JSON form (RFC 8785, e.g. a lone surrogate or an integer beyond 2^53) is a 409
    `inconsistent-fields`. The key never leaves the node.
    Only charters and decisions are signed here: a directory change is signed offline
    (`concordia node pin-directory`). 503 when this node has no key.

    Args:
        body (CoalitionDocument): A document a node's API signs (``POST
            /v1/coalition/signatures``): a proposed charter or
            a decision of the coordination group, as the hub serves it (its signatures need not come
            along: this node's is added to none of them).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | ProblemDetails | SignedDocument | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CoalitionDocument,
) -> ConflictProblemDetails | ProblemDetails | SignedDocument | ValidationProblemDetails | None:
    """Coalition Sign

     Sign a proposed charter or a decision of the coordination group with this node's
    key (scope `ops`): what `concordia charter sign` and `decision sign` do, for a portal.

    Send the document the hub serves (`GET /v1/charter/{revision}/document` or
    `/v1/decisions/{id}/document`); the answer is the document with this node's signature,
    which the caller relays to the hub (`POST .../signatures`). A body without a canonical
    JSON form (RFC 8785, e.g. a lone surrogate or an integer beyond 2^53) is a 409
    `inconsistent-fields`. The key never leaves the node.
    Only charters and decisions are signed here: a directory change is signed offline
    (`concordia node pin-directory`). 503 when this node has no key.

    Args:
        body (CoalitionDocument): A document a node's API signs (``POST
            /v1/coalition/signatures``): a proposed charter or
            a decision of the coordination group, as the hub serves it (its signatures need not come
            along: this node's is added to none of them).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | ProblemDetails | SignedDocument | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
