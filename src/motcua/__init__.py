"""motcua — hệ thống thông tin một cửa điện tử."""

__version__ = "0.1.0"
