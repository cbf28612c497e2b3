from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.feed_grant import FeedGrant
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: int | None | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(last_event_id, Unset):
        headers["Last-Event-ID"] = last_event_id

    params: dict[str, Any] = {}

    json_after: int | Unset | None
    if isinstance(after, Unset):
        json_after = UNSET
    else:
        json_after = after
    params["after"] = json_after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/feed/grants/stream",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> FeedGrant | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = FeedGrant.from_dict(response.text)

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
) -> Response[FeedGrant | ProblemDetails | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    after: int | None | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Response[FeedGrant | ProblemDetails | ValidationProblemDetails]:
    """Stream Grants

     New and changed grants as Server-Sent Events, resumable with `Last-Event-ID`.

    Without `Last-Event-ID` or `after` the stream starts at the current end (changes only).
    A stream ends when its token is revoked and after `feed_stream_seconds`; one token holds
    at most `feed_streams_per_token` streams (429 beyond).

    Args:
        after (int | None | Unset): Where to start when there is no Last-Event-ID.
        last_event_id (str | Unset): The `id` of the last event received: the stream resumes after
            it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeedGrant | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        after=after,
        last_event_id=last_event_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    after: int | None | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> FeedGrant | ProblemDetails | ValidationProblemDetails | None:
    """Stream Grants

     New and changed grants as Server-Sent Events, resumable with `Last-Event-ID`.

    Without `Last-Event-ID` or `after` the stream starts at the current end (changes only).
    A stream ends when its token is revoked and after `feed_stream_seconds`; one token holds
    at most `feed_streams_per_token` streams (429 beyond).

    Args:
        after (int | None | Unset): Where to start when there is no Last-Event-ID.
        last_event_id (str | Unset): The `id` of the last event received: the stream resumes after
            it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeedGrant | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        after=after,
        last_event_id=last_event_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    after: int | None | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> Response[FeedGrant | ProblemDetails | ValidationProblemDetails]:
    """Stream Grants

     New and changed grants as Server-Sent Events, resumable with `Last-Event-ID`.

    Without `Last-Event-ID` or `after` the stream starts at the current end (changes only).
    A stream ends when its token is revoked and after `feed_stream_seconds`; one token holds
    at most `feed_streams_per_token` streams (429 beyond).

    Args:
        after (int | None | Unset): Where to start when there is no Last-Event-ID.
        last_event_id (str | Unset): The `id` of the last event received: the stream resumes after
            it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[FeedGrant | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        after=after,
        last_event_id=last_event_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    after: int | None | Unset = UNSET,
    last_event_id: str | Unset = UNSET,
) -> FeedGrant | ProblemDetails | ValidationProblemDetails | None:
    """Stream Grants

     New and changed grants as Server-Sent Events, resumable with `Last-Event-ID`.

    Without `Last-Event-ID` or `after` the stream starts at the current end (changes only).
    A stream ends when its token is revoked and after `feed_stream_seconds`; one token holds
    at most `feed_streams_per_token` streams (429 beyond).

    Args:
        after (int | None | Unset): Where to start when there is no Last-Event-ID.
        last_event_id (str | Unset): The `id` of the last event received: the stream resumes after
            it.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        FeedGrant | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            last_event_id=last_event_id,
        )
    ).parsed
