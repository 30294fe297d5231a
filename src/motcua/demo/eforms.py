"""E-forms of the demo catalogue (`ProcedureVersion.eform_fields`, format in `catalog.eform`). They follow the
paper declarations (tờ khai) of each procedure in a shortened form: enough to show the online wizard, not a
legal copy of the official templates. Online procedures without their own get `GENERIC`."""

from __future__ import annotations

COMMITMENT = {
    "name": "cam_doan",
    "label": "Tôi cam đoan những nội dung khai trên đây là đúng sự thật và chịu trách nhiệm trước pháp luật",
    "type": "checkbox",
    "required": True,
    "group": "Cam đoan",
}

GENERIC = [
    {
        "name": "noi_dung_yeu_cau",
        "label": "Nội dung đề nghị",
        "type": "textarea",
        "required": True,
        "help": "Ghi ngắn gọn việc bạn đề nghị cơ quan giải quyết",
        "max_length": 1000,
        "group": "Nội dung đề nghị",
    },
    COMMITMENT,
]

EFORMS: dict[str, list[dict]] = {
    # Đăng ký khai sinh (Thông tư 04/2024/TT-BTP, tờ khai đăng ký khai sinh).
    "1.001193": [
        {
            "name": "ho_ten_tre",
            "label": "Họ, chữ đệm và tên của trẻ",
            "type": "text",
            "required": True,
            "group": "Thông tin của trẻ",
        },
        {
            "name": "gioi_tinh",
            "label": "Giới tính",
            "type": "select",
            "choices": ["Nam", "Nữ"],
            "required": True,
            "group": "Thông tin của trẻ",
        },
        {
            "name": "ngay_sinh",
            "label": "Ngày, tháng, năm sinh",
            "type": "date",
            "required": True,
            "group": "Thông tin của trẻ",
        },
        {
            "name": "noi_sinh",
            "label": "Nơi sinh",
            "type": "text",
            "required": True,
            "help": "Tên cơ sở y tế, hoặc địa chỉ nơi sinh",
            "group": "Thông tin của trẻ",
        },
        {
            "name": "dan_toc",
            "label": "Dân tộc",
            "type": "text",
            "required": True,
            "group": "Thông tin của trẻ",
        },
        {
            "name": "ho_ten_me",
            "label": "Họ, chữ đệm và tên của mẹ",
            "type": "text",
            "group": "Cha, mẹ của trẻ",
        },
        {
            "name": "so_dinh_danh_me",
            "label": "Số định danh cá nhân của mẹ",
            "type": "text",
            "max_length": 12,
            "group": "Cha, mẹ của trẻ",
        },
        {
            "name": "ho_ten_cha",
            "label": "Họ, chữ đệm và tên của cha",
            "type": "text",
            "group": "Cha, mẹ của trẻ",
        },
        {
            "name": "so_dinh_danh_cha",
            "label": "Số định danh cá nhân của cha",
            "type": "text",
            "max_length": 12,
            "group": "Cha, mẹ của trẻ",
        },
        {
            "name": "quan_he",
            "label": "Quan hệ của người đi đăng ký với trẻ",
            "type": "select",
            "choices": ["Mẹ", "Cha", "Ông, bà", "Người thân thích khác"],
            "required": True,
            "group": "Người đi đăng ký",
        },
        {
            "name": "so_ban_sao",
            "label": "Số bản sao Giấy khai sinh đề nghị cấp",
            "type": "number",
            "min": 0,
            "max": 10,
            "group": "Người đi đăng ký",
        },
        COMMITMENT,
    ],
    # Cấp Giấy xác nhận tình trạng hôn nhân.
    "1.004873": [
        {
            "name": "tinh_trang",
            "label": "Tình trạng hôn nhân hiện tại",
            "type": "select",
            "required": True,
            "choices": ["Chưa kết hôn", "Đã ly hôn", "Vợ/chồng đã chết", "Đang có vợ/chồng"],
            "group": "Tình trạng hôn nhân",
        },
        {
            "name": "thoi_gian_cu_tru",
            "label": "Thời gian cư trú tại nơi đề nghị xác nhận",
            "type": "text",
            "help": "Ví dụ: từ năm 2015 đến nay",
            "group": "Tình trạng hôn nhân",
        },
        {
            "name": "muc_dich",
            "label": "Mục đích sử dụng Giấy xác nhận",
            "type": "textarea",
            "required": True,
            "help": "Ví dụ: để đăng ký kết hôn với ông/bà …, hoặc để mua bán nhà đất",
            "group": "Mục đích sử dụng",
        },
        {
            "name": "so_ban",
            "label": "Số bản đề nghị cấp",
            "type": "number",
            "min": 1,
            "max": 10,
            "group": "Mục đích sử dụng",
        },
        COMMITMENT,
    ],
    # Cấp bản sao trích lục hộ tịch.
    "2.000635": [
        {
            "name": "loai_trich_luc",
            "label": "Loại giấy tờ đề nghị cấp bản sao",
            "type": "select",
            "required": True,
            "choices": ["Giấy khai sinh", "Trích lục kết hôn", "Trích lục khai tử", "Trích lục hộ tịch khác"],
            "group": "Giấy tờ đề nghị cấp",
        },
        {
            "name": "ho_ten_nguoi_duoc_cap",
            "label": "Họ và tên người được cấp bản sao",
            "type": "text",
            "required": True,
            "group": "Giấy tờ đề nghị cấp",
        },
        {
            "name": "ngay_dang_ky",
            "label": "Ngày đăng ký hộ tịch (nếu biết)",
            "type": "date",
            "group": "Giấy tờ đề nghị cấp",
        },
        {
            "name": "so_ban",
            "label": "Số bản sao",
            "type": "number",
            "min": 1,
            "max": 20,
            "required": True,
            "group": "Giấy tờ đề nghị cấp",
        },
        COMMITMENT,
    ],
    # Đăng ký thành lập hộ kinh doanh (Nghị định 01/2021, Phụ lục III-1).
    "1.001612": [
        {
            "name": "ten_ho_kinh_doanh",
            "label": "Tên hộ kinh doanh",
            "type": "text",
            "required": True,
            "help": "Gồm cụm từ “Hộ kinh doanh” và tên riêng, ví dụ: Hộ kinh doanh Minh Anh",
            "group": "Hộ kinh doanh",
        },
        {
            "name": "dia_diem",
            "label": "Địa điểm kinh doanh",
            "type": "text",
            "required": True,
            "group": "Hộ kinh doanh",
        },
        {
            "name": "nganh_nghe",
            "label": "Ngành, nghề kinh doanh",
            "type": "textarea",
            "required": True,
            "group": "Hộ kinh doanh",
        },
        {
            "name": "von",
            "label": "Vốn kinh doanh (đồng)",
            "type": "number",
            "min": 0,
            "required": True,
            "group": "Hộ kinh doanh",
        },
        {
            "name": "so_lao_dong",
            "label": "Số lượng lao động",
            "type": "number",
            "min": 0,
            "group": "Hộ kinh doanh",
        },
        {
            "name": "dien_thoai_kinh_doanh",
            "label": "Điện thoại của hộ kinh doanh",
            "type": "phone",
            "group": "Hộ kinh doanh",
        },
        COMMITMENT,
    ],
    # Đăng ký thường trú (Tờ khai thay đổi thông tin cư trú CT01).
    "1.004222": [
        {
            "name": "dia_chi_thuong_tru",
            "label": "Địa chỉ đề nghị đăng ký thường trú",
            "type": "text",
            "required": True,
            "group": "Nơi đăng ký thường trú",
        },
        {
            "name": "truong_hop",
            "label": "Trường hợp đăng ký",
            "type": "select",
            "required": True,
            "choices": [
                "Chỗ ở hợp pháp thuộc quyền sở hữu của mình",
                "Về ở với người thân",
                "Thuê, mượn, ở nhờ",
                "Trường hợp khác",
            ],
            "group": "Nơi đăng ký thường trú",
        },
        {"name": "chu_ho", "label": "Họ và tên chủ hộ", "type": "text", "group": "Nơi đăng ký thường trú"},
        {
            "name": "quan_he_chu_ho",
            "label": "Quan hệ với chủ hộ",
            "type": "text",
            "group": "Nơi đăng ký thường trú",
        },
        {
            "name": "noi_o_hien_tai",
            "label": "Nơi ở hiện tại",
            "type": "text",
            "required": True,
            "group": "Nơi ở hiện tại",
        },
        COMMITMENT,
    ],
}


def demo_eform_fields(code: str) -> list[dict]:
    return [dict(field) for field in EFORMS.get(code, GENERIC)]
