"""The mirror's subscription to its hub: resume after the last acknowledged event, verify, store.

An announcement is accepted only with the pinned hub key's signature over its manifest; the mirror
then fetches the ciphertext at once and checks its SHA-256 against the manifest, so hours before the
instant every municipality holds exactly what the hub encrypted. A key is accepted only if it opens
that ciphertext to the plaintext the manifest names, and only once: a second, different key for a
package is refused and audited. An event is acknowledged after its effect is committed, so a mirror
that drops at any point receives again what it had not stored.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import secrets
import uuid

import grpc

from olymp.materials.v1 import materials_pb2 as pb
from olymp.materials.v1 import materials_pb2_grpc as pb_grpc
from olymp_core.auth import bearer_metadata
from olymp_core.db import UnitOfWork
from olymp_core.service import Runtime
from olymp_materials import feed_store, store
from olymp_materials.domain import (
    KeyConflict,
    ManifestInvalid,
    MaterialsRuleError,
    Package,
    UnsealFailed,
    decrypt_package,
    public_key_from_b64,
    seal_key,
    seal_password,
    unseal_key,
    verify_ciphertext,
    verify_manifest,
)
from olymp_materials.settings import MaterialsSettings
from olymp_materials.store import PackageRecord

log = logging.getLogger("olymp.materials.mirror")
HUB_ACTOR = "system:materials-hub"
OBJECT_TYPE = "package"
MAX_MESSAGE = 512 * 1024 * 1024


def hub_channel(settings: MaterialsSettings) -> grpc.aio.Channel:
    options: list[tuple[str, object]] = [
        ("grpc.max_receive_message_length", MAX_MESSAGE),
        ("grpc.keepalive_time_ms", 20_000),
    ]
    if settings.tls_root_cert_file is None:
        return grpc.aio.insecure_channel(settings.hub_grpc, options=options)
    if settings.tls_server_name:
        options.append(("grpc.ssl_target_name_override", settings.tls_server_name))
    credentials = grpc.ssl_channel_credentials(settings.tls_root_cert_file.read_bytes())
    return grpc.aio.secure_channel(settings.hub_grpc, credentials, options=options)


class MirrorSubscriber:
    def __init__(self, runtime: Runtime, settings: MaterialsSettings) -> None:
        self._runtime = runtime
        self._settings = settings
        self._hub_key = public_key_from_b64(settings.hub_public_key)
        assert settings.hub_token is not None
        self._metadata = bearer_metadata(settings.hub_token.get_secret_value())
        self.connected = False

    @property
    def municipality(self) -> str:
        return self._settings.municipality_id

    async def run(self, stop: asyncio.Event) -> None:
        """Follow the hub until stopped, reconnecting with a capped back-off."""
        delay = 0.1
        while not stop.is_set():
            try:
                await self._follow()
            except asyncio.CancelledError:
                raise
            except grpc.aio.AioRpcError as error:
                log.warning("hub feed unavailable: %s", error.code().name)
            except Exception:
                log.exception("mirror feed failed; reconnecting")
            self.connected = False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=delay)
            delay = min(delay * 2, self._settings.reconnect_max_s)

    async def _follow(self) -> None:
        async with self._runtime.uows() as uow:
            after = await feed_store.cursor(uow.session, self.municipality)
        async with hub_channel(self._settings) as channel:
            stub = pb_grpc.MaterialsFeedServiceStub(channel)
            request = pb.SubscribeRequest(municipality_id=self.municipality, after_sequence=after)
            call = stub.Subscribe(request, metadata=self._metadata)
            async for event in call:
                self.connected = True
                await self._apply(event, stub)
                await stub.Acknowledge(
                    pb.AcknowledgeRequest(
                        municipality_id=self.municipality, sequence=event.sequence
                    ),
                    metadata=self._metadata,
                )

    async def _apply(self, event: pb.FeedEvent, stub: pb_grpc.MaterialsFeedServiceStub) -> None:
        async with self._runtime.uows() as uow:
            try:
                if event.HasField("package_announced"):
                    await self._announced(event.package_announced, stub, uow)
                elif event.HasField("key_released"):
                    await self._key_released(event.key_released, uow)
            except MaterialsRuleError as refused:
                # stored nothing of it; the refusal is on record and the feed moves on
                await uow.session.rollback()
                log.error("hub event %d refused: %s", event.sequence, type(refused).__name__)
                await uow.audit(
                    actor=HUB_ACTOR,
                    action="hub_event_refused",
                    object_type="feed_event",
                    object_id=str(event.sequence),
                    payload={"reason": str(refused)},
                )
            now = uow.clock.now()
            await feed_store.save_cursor(uow.session, self.municipality, event.sequence, now)
            await uow.commit()

    async def _announced(
        self,
        announced: pb.PackageAnnounced,
        stub: pb_grpc.MaterialsFeedServiceStub,
        uow: UnitOfWork,
    ) -> None:
        manifest = verify_manifest(self._hub_key, announced.manifest, announced.manifest_signature)
        existing = await store.get_package_by_id(uow.session, manifest.package_id)
        if existing is not None and existing.version >= manifest.version:
            return  # a replay of what is stored
        if existing is not None and existing.sealed_key is not None:
            raise ManifestInvalid("пакет уже раскрыт, новая версия не принимается")
        fetched = await stub.FetchPackage(
            pb.FetchPackageRequest(
                municipality_id=self.municipality, package_id=str(manifest.package_id)
            ),
            metadata=self._metadata,
        )
        verify_ciphertext(manifest, fetched.ciphertext)
        object_key = f"materials/mirrored/{secrets.token_hex(16)}"
        await self._runtime.store.put(object_key, fetched.ciphertext)
        record = PackageRecord(
            package=Package(
                package_id=manifest.package_id,
                olympiad_id=manifest.olympiad_id,
                subject_code=manifest.subject_code,
                kind=manifest.kind,
                release_at=manifest.release_at,
            ),
            object_key=object_key,
            sha256=manifest.content_sha256,
            size=manifest.size,
            sealed_key=None,
            sealed_password=None,
            version=manifest.version,
            ciphertext_sha256=manifest.ciphertext_sha256,
            manifest=announced.manifest,
            manifest_signature=announced.manifest_signature,
        )
        now = uow.clock.now()
        await store.put_package(uow.session, record, uploaded_by=HUB_ACTOR, uploaded_at=now)
        await uow.audit(
            actor=HUB_ACTOR,
            action="package_mirrored",
            object_type=OBJECT_TYPE,
            object_id=str(manifest.package_id),
            payload={
                "version": manifest.version,
                "release_at": manifest.release_at.isoformat(),
                "ciphertext_sha256": manifest.ciphertext_sha256,
            },
        )

    async def _key_released(self, released: pb.KeyReleased, uow: UnitOfWork) -> None:
        master_key = self._settings.master_key_bytes()
        package_id = uuid.UUID(released.package_id)
        record = await store.get_package_by_id(uow.session, package_id)
        if record is None:
            raise ManifestInvalid("ключ пришёл для неизвестного пакета")
        if record.sealed_key is not None:
            if unseal_key(master_key, package_id, record.sealed_key) != released.key:
                raise KeyConflict()
            return  # the same key again, after a reconnect
        ciphertext = await self._runtime.store.get(record.object_key)
        try:
            content = decrypt_package(released.key, package_id, ciphertext)
        except UnsealFailed:
            raise ManifestInvalid("ключ не подходит к пакету") from None
        if hashlib.sha256(content).hexdigest() != record.sha256:
            raise ManifestInvalid("содержимое не совпадает с манифестом")
        password = released.password or None
        await store.store_mirrored_key(
            uow.session,
            package_id,
            seal_key(master_key, package_id, released.key),
            None if password is None else seal_password(master_key, package_id, password),
            uow.clock.now(),
        )
        await uow.audit(
            actor=HUB_ACTOR,
            action="package_key_received",
            object_type=OBJECT_TYPE,
            object_id=str(package_id),
            payload={"with_password": password is not None},
        )


async def report_receipt(
    settings: MaterialsSettings,
    package_id: uuid.UUID,
    *,
    complete: bool,
    missing: list[str],
    problems: str | None,
    confirmed_by: str,
) -> None:
    """Forward the coordinator's receipt to the hub (§25); raises AioRpcError if it is unreachable."""
    assert settings.hub_token is not None
    async with hub_channel(settings) as channel:
        await pb_grpc.MaterialsFeedServiceStub(channel).ReportReceipt(
            pb.ReportReceiptRequest(
                municipality_id=settings.municipality_id,
                package_id=str(package_id),
                complete=complete,
                missing=missing,
                problems=problems or "",
                confirmed_by=confirmed_by,
            ),
            metadata=bearer_metadata(settings.hub_token.get_secret_value()),
            timeout=10,
        )
