from motcua.dossiers.postal import PostalUnavailable


class DownAdapter:
    name = "down"

    def pickup_request(self, request):
        raise PostalUnavailable("Bưu điện tạm thời không nhận yêu cầu.")

    def delivery_request(self, request):
        raise PostalUnavailable("Bưu điện tạm thời không nhận yêu cầu.")
