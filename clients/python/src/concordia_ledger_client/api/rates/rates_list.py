import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem_details import ProblemDetails
from ...models.rate_read import RateRead
from ...models.rates_list_currency import RatesListCurrency
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    currency: RatesListCurrency,
    before: datetime.date | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_currency = currency.value
    params["currency"] = json_currency

    json_before: str | Unset = UNSET
    if not isinstance(before, Unset):
        json_before = before.isoformat()
    params["before"] = json_before

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/rates",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | ValidationProblemDetails | list[RateRead] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = RateRead.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[ProblemDetails | ValidationProblemDetails | list[RateRead]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    currency: RatesListCurrency,
    before: datetime.date | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[ProblemDetails | ValidationProblemDetails | list[RateRead]]:
    """List Rates

     A currency's rates, newest first.

    Args:
        currency (RatesListCurrency):
        before (datetime.date | Unset): Only rates before this day.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ValidationProblemDetails | list[RateRead]]
    """

    kwargs = _get_kwargs(
        currency=currency,
        before=before,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    currency: RatesListCurrency,
    before: datetime.date | Unset = UNSET,
    limit: int | Unset = 100,
) -> ProblemDetails | ValidationProblemDetails | list[RateRead] | None:
    """List Rates

     A currency's rates, newest first.

    Args:
        currency (RatesListCurrency):
        before (datetime.date | Unset): Only rates before this day.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ValidationProblemDetails | list[RateRead]
    """

    return sync_detailed(
        client=client,
        currency=currency,
        before=before,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    currency: RatesListCurrency,
    before: datetime.date | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[ProblemDetails | ValidationProblemDetails | list[RateRead]]:
    """List Rates

     A currency's rates, newest first.

    Args:
        currency (RatesListCurrency):
        before (datetime.date | Unset): Only rates before this day.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ValidationProblemDetails | list[RateRead]]
    """

    kwargs = _get_kwargs(
        currency=currency,
        before=before,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    currency: RatesListCurrency,
    before: datetime.date | Unset = UNSET,
    limit: int | Unset = 100,
) -> ProblemDetails | ValidationProblemDetails | list[RateRead] | None:
    """List Rates

     A currency's rates, newest first.

    Args:
        currency (RatesListCurrency):
        before (datetime.date | Unset): Only rates before this day.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ValidationProblemDetails | list[RateRead]
    """

    return (
        await asyncio_detailed(
            client=client,
            currency=currency,
            before=before,
            limit=limit,
        )
    ).parsed
