from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.membership_read import MembershipRead
from ...models.problem_details import ProblemDetails
from ...models.validation_problem_details import ValidationProblemDetails
from ...types import Response


def _get_kwargs(
    org_id: UUID,
    *,
    x_purpose: str,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["x-purpose"] = x_purpose

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/organisations/{org_id}/members".format(
            org_id=quote(str(org_id), safe=""),
        ),
    }

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ProblemDetails | ValidationProblemDetails | list[MembershipRead] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = MembershipRead.from_dict(response_200_item_data)

            response_200.append(response_200_item)

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
) -> Response[ProblemDetails | ValidationProblemDetails | list[MembershipRead]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: str,
) -> Response[ProblemDetails | ValidationProblemDetails | list[MembershipRead]]:
    """List Members

     The members of an organisation; each member's appearance is audited.

    Args:
        org_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ValidationProblemDetails | list[MembershipRead]]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        x_purpose=x_purpose,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: str,
) -> ProblemDetails | ValidationProblemDetails | list[MembershipRead] | None:
    """List Members

     The members of an organisation; each member's appearance is audited.

    Args:
        org_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ValidationProblemDetails | list[MembershipRead]
    """

    return sync_detailed(
        org_id=org_id,
        client=client,
        x_purpose=x_purpose,
    ).parsed


async def asyncio_detailed(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: str,
) -> Response[ProblemDetails | ValidationProblemDetails | list[MembershipRead]]:
    """List Members

     The members of an organisation; each member's appearance is audited.

    Args:
        org_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ProblemDetails | ValidationProblemDetails | list[MembershipRead]]
    """

    kwargs = _get_kwargs(
        org_id=org_id,
        x_purpose=x_purpose,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    org_id: UUID,
    *,
    client: AuthenticatedClient,
    x_purpose: str,
) -> ProblemDetails | ValidationProblemDetails | list[MembershipRead] | None:
    """List Members

     The members of an organisation; each member's appearance is audited.

    Args:
        org_id (UUID):
        x_purpose (str): Why personal data is read or changed: a code from `GET /v1/codes`
            (`access_purpose`), optionally followed by `; ` and a note, e.g. `safety_check;
            relocation`. Kept in the audit trail; required.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ProblemDetails | ValidationProblemDetails | list[MembershipRead]
    """

    return (
        await asyncio_detailed(
            org_id=org_id,
            client=client,
            x_purpose=x_purpose,
        )
    ).parsed
