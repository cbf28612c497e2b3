from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.feed_page_doc import FeedPageDoc
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    after: int | Unset = 0,
    limit: int | Unset = 1000,
    if_none_match: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(if_none_match, Unset):
        headers["if-none-match"] = if_none_match

    params: dict[str, Any] = {}

    params["after"] = after

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/feed/grants",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | FeedPageDoc | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = FeedPageDoc.from_dict(response.json())

        return response_200

    if response.status_code == 304:
        response_304 = cast(Any, None)
        return response_304

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
) -> Response[Any | FeedPageDoc | ProblemDetails | ValidationProblemDetails]:
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
    if_none_match: str | Unset = UNSET,
) -> Response[Any | FeedPageDoc | ProblemDetails | ValidationProblemDetails]:
    """Feed Grants

     Every visible grant with its transactions, a keyset page at a time in `feed_seq` order.

    A change of a grant or of its transactions moves it to the end, so following `next` until a
    short page, then polling with the last `next`, sees every change exactly once. Restricted
    grants never appear, coalition grants only with `feed:coalition`; withdrawn ones are
    tombstones; persons appear as `individual`, without titles or descriptions.

    A full page names the next one in `Link: <...>; rel="next"`; a short page is the current
    end. Ask for compression: `Accept-Encoding: zstd` gives the smallest page, and the fastest
    to decode (a 10,000-grant page of about 12 MB as about 0.9 MB), `gzip` about 1.5 MB. Every
    page has a weak `ETag` (the same in every coding): poll the end with it in `If-None-Match`
    and get 304 while nothing changed. Reading a whole feed, follow `next` at once with the
    same `limit`: the node prepares the next pages while you read one.

    Args:
        after (int | Unset): The `next` of the previous page (a `feed_seq`); 0 or absent to start.
            Default: 0.
        limit (int | Unset): Grants per page (at most 10,000). Default: 1000.
        if_none_match (str | Unset): The `ETag` of a page you hold: 304 if it is unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FeedPageDoc | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
        if_none_match=if_none_match,
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
    if_none_match: str | Unset = UNSET,
) -> Any | FeedPageDoc | ProblemDetails | ValidationProblemDetails | None:
    """Feed Grants

     Every visible grant with its transactions, a keyset page at a time in `feed_seq` order.

    A change of a grant or of its transactions moves it to the end, so following `next` until a
    short page, then polling with the last `next`, sees every change exactly once. Restricted
    grants never appear, coalition grants only with `feed:coalition`; withdrawn ones are
    tombstones; persons appear as `individual`, without titles or descriptions.

    A full page names the next one in `Link: <...>; rel="next"`; a short page is the current
    end. Ask for compression: `Accept-Encoding: zstd` gives the smallest page, and the fastest
    to decode (a 10,000-grant page of about 12 MB as about 0.9 MB), `gzip` about 1.5 MB. Every
    page has a weak `ETag` (the same in every coding): poll the end with it in `If-None-Match`
    and get 304 while nothing changed. Reading a whole feed, follow `next` at once with the
    same `limit`: the node prepares the next pages while you read one.

    Args:
        after (int | Unset): The `next` of the previous page (a `feed_seq`); 0 or absent to start.
            Default: 0.
        limit (int | Unset): Grants per page (at most 10,000). Default: 1000.
        if_none_match (str | Unset): The `ETag` of a page you hold: 304 if it is unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FeedPageDoc | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        after=after,
        limit=limit,
        if_none_match=if_none_match,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 1000,
    if_none_match: str | Unset = UNSET,
) -> Response[Any | FeedPageDoc | ProblemDetails | ValidationProblemDetails]:
    """Feed Grants

     Every visible grant with its transactions, a keyset page at a time in `feed_seq` order.

    A change of a grant or of its transactions moves it to the end, so following `next` until a
    short page, then polling with the last `next`, sees every change exactly once. Restricted
    grants never appear, coalition grants only with `feed:coalition`; withdrawn ones are
    tombstones; persons appear as `individual`, without titles or descriptions.

    A full page names the next one in `Link: <...>; rel="next"`; a short page is the current
    end. Ask for compression: `Accept-Encoding: zstd` gives the smallest page, and the fastest
    to decode (a 10,000-grant page of about 12 MB as about 0.9 MB), `gzip` about 1.5 MB. Every
    page has a weak `ETag` (the same in every coding): poll the end with it in `If-None-Match`
    and get 304 while nothing changed. Reading a whole feed, follow `next` at once with the
    same `limit`: the node prepares the next pages while you read one.

    Args:
        after (int | Unset): The `next` of the previous page (a `feed_seq`); 0 or absent to start.
            Default: 0.
        limit (int | Unset): Grants per page (at most 10,000). Default: 1000.
        if_none_match (str | Unset): The `ETag` of a page you hold: 304 if it is unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | FeedPageDoc | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        after=after,
        limit=limit,
        if_none_match=if_none_match,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    after: int | Unset = 0,
    limit: int | Unset = 1000,
    if_none_match: str | Unset = UNSET,
) -> Any | FeedPageDoc | ProblemDetails | ValidationProblemDetails | None:
    """Feed Grants

     Every visible grant with its transactions, a keyset page at a time in `feed_seq` order.

    A change of a grant or of its transactions moves it to the end, so following `next` until a
    short page, then polling with the last `next`, sees every change exactly once. Restricted
    grants never appear, coalition grants only with `feed:coalition`; withdrawn ones are
    tombstones; persons appear as `individual`, without titles or descriptions.

    A full page names the next one in `Link: <...>; rel="next"`; a short page is the current
    end. Ask for compression: `Accept-Encoding: zstd` gives the smallest page, and the fastest
    to decode (a 10,000-grant page of about 12 MB as about 0.9 MB), `gzip` about 1.5 MB. Every
    page has a weak `ETag` (the same in every coding): poll the end with it in `If-None-Match`
    and get 304 while nothing changed. Reading a whole feed, follow `next` at once with the
    same `limit`: the node prepares the next pages while you read one.

    Args:
        after (int | Unset): The `next` of the previous page (a `feed_seq`); 0 or absent to start.
            Default: 0.
        limit (int | Unset): Grants per page (at most 10,000). Default: 1000.
        if_none_match (str | Unset): The `ETag` of a page you hold: 304 if it is unchanged.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | FeedPageDoc | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            after=after,
            limit=limit,
            if_none_match=if_none_match,
        )
    ).parsed
