"""English for the Vietnamese texts of the working-calendar pages (merged into web/translations_en.py)."""
from __future__ import annotations

EN_TIME: dict[str, str] = {
    "Quản trị": "Administration",
    "Lịch làm việc": "Working calendar",
    "Ngày nghỉ lễ, Tết và ngày làm bù lấy theo thư viện holidays (Việt Nam). Bảng dưới đây ghi thêm ngày nghỉ "
    "và ngày làm việc bù do Chính phủ quyết định; bảng này được ưu tiên. Ngày hẹn đã báo cho người nộp không "
    "thay đổi.":
        "Public holidays, Tết and swapped days come from the holidays package (Vietnam). The table below adds "
        "the extra days off and make-up working days the government decides; the table wins. Appointments "
        "already given to applicants do not change.",
    "Năm": "Year",
    "Xem": "Show",
    "Tất cả các năm": "All years",
    "Ngày": "Date",
    "Loại": "Kind",
    "Ghi chú": "Note",
    "Nếu không có mục này": "Without this entry",
    "ngày nghỉ": "day off",
    "là ngày làm việc": "a working day",
    "là ngày nghỉ": "a day off",
    "ngày làm việc bù": "make-up working day",
    "không thay đổi gì": "changes nothing",
    "Xóa": "Remove",
    "Chưa có mục nào.": "No entries yet.",
    "Thêm ngày": "Add a date",
    "Thêm": "Add",
    "Đã thêm {day} vào lịch.": "{day} was added to the calendar.",
    "Đã xóa {day} khỏi lịch.": "{day} was removed from the calendar.",
    "Bạn không có quyền thực hiện thao tác này.": "You are not allowed to do this.",
}
