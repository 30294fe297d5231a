"""A post office for tests: it records every request, answers with predictable tracking codes, and can be told
to refuse (its service down). Select it with `settings.MOTCUA_POSTAL_ADAPTER = DOUBLE`."""

from motcua.dossiers.postal import DeliveryRequest, PickupRequest, PostalUnavailable

DOUBLE = "tests.postal.doubles.RecordingPostOffice"


class RecordingPostOffice:
    name = "test-double"
    # Class-level, because the service builds a new adapter for every call; the `post_office` fixture resets it.
    pickups: list[PickupRequest] = []
    deliveries: list[DeliveryRequest] = []
    is_down = False

    @classmethod
    def reset(cls) -> None:
        cls.pickups, cls.deliveries, cls.is_down = [], [], False

    def pickup_request(self, request: PickupRequest) -> str:
        if self.is_down:
            raise PostalUnavailable("Dịch vụ bưu chính đang gián đoạn, vui lòng thử lại sau.")
        self.pickups.append(request)
        return f"PU{len(self.pickups):07d}VN"

    def delivery_request(self, request: DeliveryRequest) -> str:
        if self.is_down:
            raise PostalUnavailable("Dịch vụ bưu chính đang gián đoạn, vui lòng thử lại sau.")
        self.deliveries.append(request)
        return request.item_code or f"EL{len(self.deliveries):07d}VN"
