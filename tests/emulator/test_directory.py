"""Users, groups and members: enough directory to seed, change and inspect a sync."""
from __future__ import annotations

import asyncio

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.group import Group
from msgraph.generated.models.password_profile import PasswordProfile
from msgraph.generated.models.reference_create import ReferenceCreate
from msgraph.generated.models.user import User
from msgraph.generated.users.item.user_item_request_builder import UserItemRequestBuilder
from msgraph.generated.users.users_request_builder import UsersRequestBuilder

from .flows import ADELE, CONTOSO, MEGAN, SALES, odata_error

USERS_QUERY = UsersRequestBuilder.UsersRequestBuilderGetQueryParameters
USER_QUERY = UserItemRequestBuilder.UserItemRequestBuilderGetQueryParameters


def _new_user(nickname: str, domain: str = "contoso.onmicrosoft.com") -> User:
    return User(
        account_enabled=True, display_name=nickname.title(), mail_nickname=nickname,
        user_principal_name=f"{nickname}@{domain}", department="Research",
        password_profile=PasswordProfile(password="Never-Stored-1!", force_change_password_next_sign_in=True),
    )


def test_user_lifecycle_select_soft_delete_and_restore(seeded, graph_client):
    async def scenario():
        users = graph_client(CONTOSO).users
        created = await users.post(_new_user("nina"))
        duplicate = await odata_error(users.post(_new_user("nina")))
        bad_domain = await odata_error(users.post(_new_user("omar", "elsewhere.com")))
        item = users.by_user_id(created.id)
        default_view = await item.get()
        await item.patch(User(department="Sales", account_enabled=False))
        selected = await item.get(RequestConfiguration(query_parameters=USER_QUERY(select=["department", "accountEnabled"])))
        by_upn = await users.by_user_id("nina@contoso.onmicrosoft.com").get()
        await item.delete()
        gone = await odata_error(item.get())
        client = graph_client(CONTOSO)
        deleted = await client.directory.deleted_items.graph_user.get()
        await client.directory.deleted_items.by_directory_object_id(created.id).restore.post()
        return created, duplicate, bad_domain, default_view, selected, by_upn, gone, deleted, await item.get()

    created, duplicate, bad_domain, default_view, selected, by_upn, gone, deleted, restored = asyncio.run(scenario())
    assert created.user_principal_name == "nina@contoso.onmicrosoft.com"
    assert duplicate.response_status_code == 400 and "userPrincipalName already exists" in duplicate.error.message
    assert bad_domain.response_status_code == 400 and "verified domain" in bad_domain.error.message
    # Like Graph, GET /users/{id} returns the default property set unless $select asks for more.
    assert default_view.department is None and default_view.account_enabled is None
    assert (selected.department, selected.account_enabled) == ("Sales", False)
    assert by_upn.id == created.id
    assert gone.response_status_code == 404
    assert [item.id for item in deleted.value] == [created.id]
    assert restored.id == created.id


def test_user_list_filters_and_pages_like_graph(seeded, graph_client):
    async def scenario():
        users = graph_client(CONTOSO).users
        filtered = await users.get(RequestConfiguration(query_parameters=USERS_QUERY(filter="department eq 'Sales'", select=["department"])))
        first_page = await users.get(RequestConfiguration(query_parameters=USERS_QUERY(top=3)))
        rest = await users.with_url(first_page.odata_next_link).get()
        return filtered, first_page, rest

    filtered, first_page, rest = asyncio.run(scenario())
    assert sorted(u.department for u in filtered.value) == ["Sales", "Sales"]
    assert len(first_page.value) == 3 and first_page.odata_next_link
    assert len(rest.value) == 1 and rest.odata_next_link is None


def test_groups_and_member_references(seeded, graph_client):
    async def scenario():
        client = graph_client(CONTOSO)
        group = await client.groups.post(Group(display_name="Research", mail_enabled=False, mail_nickname="research", security_enabled=True))
        members = client.groups.by_group_id(group.id).members
        reference = ReferenceCreate(odata_id=f"https://graph.microsoft.com/v1.0/directoryObjects/{MEGAN}")
        await members.ref.post(reference)
        duplicate = await odata_error(members.ref.post(reference))
        unknown = await odata_error(members.ref.post(ReferenceCreate(odata_id="https://graph.microsoft.com/v1.0/directoryObjects/99999999-9999-4999-8999-999999999999")))
        listed = await members.get()
        await members.by_directory_object_id(MEGAN).ref.delete()
        not_member = await odata_error(members.by_directory_object_id(MEGAN).ref.delete())
        sales = await client.groups.by_group_id(SALES).members.get()
        await client.groups.by_group_id(group.id).delete()
        gone = await odata_error(client.groups.by_group_id(group.id).get())
        return group, duplicate, unknown, listed, not_member, sales, gone, await client.groups.get()

    group, duplicate, unknown, listed, not_member, sales, gone, remaining = asyncio.run(scenario())
    assert group.security_enabled is True
    assert duplicate.response_status_code == 400 and unknown.response_status_code == 404
    assert [m.id for m in listed.value] == [MEGAN] and listed.value[0].odata_type == "#microsoft.graph.user"
    assert not_member.response_status_code == 404
    assert ADELE in {m.id for m in sales.value}
    assert gone.response_status_code == 404
    assert [g.display_name for g in remaining.value] == ["Sales"]
