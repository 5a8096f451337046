"""Failures the commands report as bad input (exit 2), each naming the tenant or the config path."""
from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

import httpx
from azure.core.exceptions import ClientAuthenticationError

from providers.graph import GraphError

T = TypeVar("T")


class TenantUnreadable(Exception):
    """A tenant could not be read: unreachable, sign-in refused, or a permission missing."""


async def in_tenant(where: str, work: Awaitable[T]) -> T:
    """``work``'s result; a failure names ``where`` (Graph's errors name the operation and the
    permission to grant)."""
    try:
        return await work
    except GraphError as error:
        raise TenantUnreadable(f"{where}: {error}") from None
    except ClientAuthenticationError as error:
        raise TenantUnreadable(f"{where}: sign-in failed ({error.message}); check its auth settings") from None
    except httpx.HTTPError as error:
        raise TenantUnreadable(
            f"{where}: Graph could not be reached ({error.__class__.__name__}: {error}); check its graphEndpoint"
        ) from None
