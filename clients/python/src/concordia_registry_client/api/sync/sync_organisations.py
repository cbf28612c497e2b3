from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.conflict_problem_details import ConflictProblemDetails
from ...models.problem_details import ProblemDetails
from ...models.sync_organisations_body import SyncOrganisationsBody
from ...models.sync_report import SyncReport
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: SyncOrganisationsBody,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
    x_purpose: None | str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["idempotency-key"] = idempotency_key

    if not isinstance(x_purpose, Unset):
        headers["x-purpose"] = x_purpose

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/sync/organisations",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ConflictProblemDetails | ProblemDetails | SyncReport | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = SyncReport.from_dict(response.json())

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

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ConflictProblemDetails | ProblemDetails | SyncReport | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: SyncOrganisationsBody,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
    x_purpose: None | str | Unset = UNSET,
) -> Response[ConflictProblemDetails | ProblemDetails | SyncReport | ValidationProblemDetails]:
    """Sync Organisations

     Upsert organisations by `external_id`, with per-record results.

    Args:
        dry_run (bool | Unset): Validate and report without writing anything. Default: False.
        idempotency_key (None | str | Unset): Repeat a sync safely: the same key and body replay
            the first answer.
        x_purpose (None | str | Unset): Why; kept in the audit log.
        body (SyncOrganisationsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | ProblemDetails | SyncReport | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        body=body,
        dry_run=dry_run,
        idempotency_key=idempotency_key,
        x_purpose=x_purpose,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: SyncOrganisationsBody,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
    x_purpose: None | str | Unset = UNSET,
) -> ConflictProblemDetails | ProblemDetails | SyncReport | ValidationProblemDetails | None:
    """Sync Organisations

     Upsert organisations by `external_id`, with per-record results.

    Args:
        dry_run (bool | Unset): Validate and report without writing anything. Default: False.
        idempotency_key (None | str | Unset): Repeat a sync safely: the same key and body replay
            the first answer.
        x_purpose (None | str | Unset): Why; kept in the audit log.
        body (SyncOrganisationsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | ProblemDetails | SyncReport | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        body=body,
        dry_run=dry_run,
        idempotency_key=idempotency_key,
        x_purpose=x_purpose,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: SyncOrganisationsBody,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
    x_purpose: None | str | Unset = UNSET,
) -> Response[ConflictProblemDetails | ProblemDetails | SyncReport | ValidationProblemDetails]:
    """Sync Organisations

     Upsert organisations by `external_id`, with per-record results.

    Args:
        dry_run (bool | Unset): Validate and report without writing anything. Default: False.
        idempotency_key (None | str | Unset): Repeat a sync safely: the same key and body replay
            the first answer.
        x_purpose (None | str | Unset): Why; kept in the audit log.
        body (SyncOrganisationsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ConflictProblemDetails | ProblemDetails | SyncReport | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        body=body,
        dry_run=dry_run,
        idempotency_key=idempotency_key,
        x_purpose=x_purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: SyncOrganisationsBody,
    dry_run: bool | Unset = False,
    idempotency_key: None | str | Unset = UNSET,
    x_purpose: None | str | Unset = UNSET,
) -> ConflictProblemDetails | ProblemDetails | SyncReport | ValidationProblemDetails | None:
    """Sync Organisations

     Upsert organisations by `external_id`, with per-record results.

    Args:
        dry_run (bool | Unset): Validate and report without writing anything. Default: False.
        idempotency_key (None | str | Unset): Repeat a sync safely: the same key and body replay
            the first answer.
        x_purpose (None | str | Unset): Why; kept in the audit log.
        body (SyncOrganisationsBody):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ConflictProblemDetails | ProblemDetails | SyncReport | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            dry_run=dry_run,
            idempotency_key=idempotency_key,
            x_purpose=x_purpose,
        )
    ).parsed
