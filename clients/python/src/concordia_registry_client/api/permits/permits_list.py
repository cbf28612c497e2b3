from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.page_permit_read import PagePermitRead
from ...models.permits_list_status_type_0 import PermitsListStatusType0
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    person_id: None | Unset | UUID = UNSET,
    status: None | PermitsListStatusType0 | Unset = UNSET,
    expiring_within_days: int | None | Unset = UNSET,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    x_purpose: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["x-purpose"] = x_purpose

    params: dict[str, Any] = {}

    json_person_id: str | Unset | None
    if isinstance(person_id, Unset):
        json_person_id = UNSET
    elif isinstance(person_id, UUID):
        json_person_id = str(person_id)
    else:
        json_person_id = person_id
    params["person_id"] = json_person_id

    json_status: str | Unset | None
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, PermitsListStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

    json_expiring_within_days: int | Unset | None
    if isinstance(expiring_within_days, Unset):
        json_expiring_within_days = UNSET
    else:
        json_expiring_within_days = expiring_within_days
    params["expiring_within_days"] = json_expiring_within_days

    params["limit"] = limit

    json_after: str | Unset | None
    if isinstance(after, Unset):
        json_after = UNSET
    else:
        json_after = after
    params["after"] = json_after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/permits",
        "params": params,
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PagePermitRead | ProblemDetails | ValidationProblemDetails | None:
    if response.status_code == 200:
        response_200 = PagePermitRead.from_dict(response.json())

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
) -> Response[PagePermitRead | ProblemDetails | ValidationProblemDetails]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    person_id: None | Unset | UUID = UNSET,
    status: None | PermitsListStatusType0 | Unset = UNSET,
    expiring_within_days: int | None | Unset = UNSET,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    x_purpose: str,
) -> Response[PagePermitRead | ProblemDetails | ValidationProblemDetails]:
    """List Permits

     Permits, filtered by person, status, or expiry within N days from today.

    Args:
        person_id (None | Unset | UUID):
        status (None | PermitsListStatusType0 | Unset):
        expiring_within_days (int | None | Unset): Granted permits ending within N days.
        limit (int | Unset): Page size. Default: 100.
        after (None | str | Unset): The `next` cursor of the last page.
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PagePermitRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        person_id=person_id,
        status=status,
        expiring_within_days=expiring_within_days,
        limit=limit,
        after=after,
        x_purpose=x_purpose,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    person_id: None | Unset | UUID = UNSET,
    status: None | PermitsListStatusType0 | Unset = UNSET,
    expiring_within_days: int | None | Unset = UNSET,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    x_purpose: str,
) -> PagePermitRead | ProblemDetails | ValidationProblemDetails | None:
    """List Permits

     Permits, filtered by person, status, or expiry within N days from today.

    Args:
        person_id (None | Unset | UUID):
        status (None | PermitsListStatusType0 | Unset):
        expiring_within_days (int | None | Unset): Granted permits ending within N days.
        limit (int | Unset): Page size. Default: 100.
        after (None | str | Unset): The `next` cursor of the last page.
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PagePermitRead | ProblemDetails | ValidationProblemDetails
    """

    return sync_detailed(
        client=client,
        person_id=person_id,
        status=status,
        expiring_within_days=expiring_within_days,
        limit=limit,
        after=after,
        x_purpose=x_purpose,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    person_id: None | Unset | UUID = UNSET,
    status: None | PermitsListStatusType0 | Unset = UNSET,
    expiring_within_days: int | None | Unset = UNSET,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    x_purpose: str,
) -> Response[PagePermitRead | ProblemDetails | ValidationProblemDetails]:
    """List Permits

     Permits, filtered by person, status, or expiry within N days from today.

    Args:
        person_id (None | Unset | UUID):
        status (None | PermitsListStatusType0 | Unset):
        expiring_within_days (int | None | Unset): Granted permits ending within N days.
        limit (int | Unset): Page size. Default: 100.
        after (None | str | Unset): The `next` cursor of the last page.
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PagePermitRead | ProblemDetails | ValidationProblemDetails]
    """

    kwargs = _get_kwargs(
        person_id=person_id,
        status=status,
        expiring_within_days=expiring_within_days,
        limit=limit,
        after=after,
        x_purpose=x_purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    person_id: None | Unset | UUID = UNSET,
    status: None | PermitsListStatusType0 | Unset = UNSET,
    expiring_within_days: int | None | Unset = UNSET,
    limit: int | Unset = 100,
    after: None | str | Unset = UNSET,
    x_purpose: str,
) -> PagePermitRead | ProblemDetails | ValidationProblemDetails | None:
    """List Permits

     Permits, filtered by person, status, or expiry within N days from today.

    Args:
        person_id (None | Unset | UUID):
        status (None | PermitsListStatusType0 | Unset):
        expiring_within_days (int | None | Unset): Granted permits ending within N days.
        limit (int | Unset): Page size. Default: 100.
        after (None | str | Unset): The `next` cursor of the last page.
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PagePermitRead | ProblemDetails | ValidationProblemDetails
    """

    return (
        await asyncio_detailed(
            client=client,
            person_id=person_id,
            status=status,
            expiring_within_days=expiring_within_days,
            limit=limit,
            after=after,
            x_purpose=x_purpose,
        )
    ).parsed
