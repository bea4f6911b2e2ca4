"""The one place that says a refusal in words and as an HTTP status (API and pages alike).

A use case raises a `processes.errors.Refused` with a stable code, the field it is about and its
parameters; here each kind becomes a status and each code a sentence in the reader's language,
written for the person who must act on it: what to do, never a regex, a byte count or a requirement
ID. `MESSAGES` holds the Vietnamese source texts; English comes from the gettext catalogue."""
from __future__ import annotations

from typing import Any

from processes.errors import Reason, Refused
from web.i18n import N_, gettext

STATUS: dict[str, int] = {
    "malformed": 400, "unauthorized": 401, "forbidden": 403, "not_found": 404, "conflict": 409,
    "too_large": 413, "invalid": 422, "unprocessable": 422, "throttled": 429, "refused": 400,
}

# What a person reads for each code. `{name}` takes the refusal's parameter of that name.
# Codes are grouped by the room that raises them.
MESSAGES: dict[str, str] = {
    # -- generic --------------------------------------------------------------------------------
    "forbidden": N_("Bạn không có quyền thực hiện thao tác này."),  # pages put it before every 403
    "not_found": N_("Không tìm thấy."),
    "conflict": N_("Dữ liệu vừa được người khác cập nhật; hãy tải lại trang rồi thử lại."),
    "required": N_("Thông tin này là bắt buộc."),
    "malformed_json": N_("Nội dung gửi lên không phải JSON hợp lệ."),
    "must_be_object": N_("Phải là một đối tượng JSON."),
    "must_be_text": N_("Bắt buộc, dạng chuỗi ký tự."),
    "must_be_text_list": N_("Phải là một danh sách chuỗi ký tự."),
    "idempotency.key_invalid": N_("Khóa Idempotency-Key gồm 1 đến 200 ký tự in được, không có dấu cách (ví dụ "
                                  "một UUID)."),
    "idempotency.key_reused": N_("Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác; hãy dùng khóa "
                                 "mới cho mỗi yêu cầu mới."),
    "input.not_unicode": N_("Ô {field} chứa ký tự không đọc được; hãy gõ lại nội dung."),
    "input.control_character": N_("Ô {field} chứa ký tự điều khiển không được phép; hãy gõ lại nội dung."),
    "input.too_long": N_("Ô {field}: tối đa {max} ký tự."),
    "input.json_too_deep": N_("Nội dung JSON lồng quá {max} tầng."),
    "input.json_too_large": N_("Nội dung JSON có quá {max} giá trị."),
    "input.date_out_of_range": N_("Ô {field}: năm phải từ {first} đến {last}."),
    "input.number_out_of_range": N_("Ô {field}: số quá lớn."),
    # -- documents and diagrams -------------------------------------------------------------------
    "document.damaged": N_("Tài liệu {filename} không khớp mã kiểm tra hoặc không còn trong kho lưu trữ; "
                           "tài liệu không được hiển thị và sự việc đã được ghi vào nhật ký."),
    "diagram.no_layout": N_("Sơ đồ quy trình không có bố cục (BPMN-DI) nên không vẽ được; hãy mở bằng công cụ vẽ "
                            "và lưu lại kèm bố cục."),
    "diagram.cannot_draw": N_("Không vẽ được sơ đồ quy trình: phần tử {element} (dòng {line}): {problem}"),
    "upload.inline_document": N_("Mỗi giấy tờ gửi kèm trong JSON cần tên tệp (filename) và nội dung mã hóa "
                                 "base64 (content_base64)."),
    "upload.field_name": N_("Tệp phải gửi trong trường documents.<mã giấy tờ>, ví dụ documents.giay_de_nghi."),
    # -- accounts and look-ups (rate limits, R6.1) ------------------------------------------------
    "login.too_many_failures": N_("Đăng nhập sai quá {attempts} lần; hãy thử lại sau {minutes} phút "
                                  "hoặc lấy lại mật khẩu."),
    "account.too_many_mails": N_("Đã gửi nhiều thư; hãy thử lại sau {minutes} phút."),
    "lookup.too_many": N_("Tra cứu quá nhiều lần; hãy thử lại sau {minutes} phút."),
    "account.too_many_registrations": N_("Đã có nhiều lượt đăng ký gần đây; hãy thử lại sau {minutes} phút."),
    "feedback.too_many": N_("Bạn đã gửi nhiều góp ý; hãy thử lại sau {minutes} phút."),
    # -- submission and the applicant's side (processes/submission) -------------------------------
    "dossier.declaration_required": N_("Hãy đánh dấu lời cam đoan: thông tin kê khai là đúng sự thật và bạn "
                                       "chịu trách nhiệm về hồ sơ đã nộp."),
    "submission.applicants_only": N_("Chỉ tài khoản công dân, tổ chức đã xác nhận thư điện tử mới nộp được "
                                     "hồ sơ."),
    "procedure.not_found": N_("Không có thủ tục mã {procedure}."),
    "procedure.no_such_form": N_("Thủ tục này không có biểu mẫu này."),
    "submission.paper_only": N_("Thủ tục mức độ 2: tải biểu mẫu về, điền và nộp trực tiếp tại bộ phận một "
                                "cửa."),
    "submission.channel_unknown": N_("Hãy chọn cách nhận kết quả: tại bộ phận một cửa, qua bưu chính hoặc "
                                     "trực tuyến."),
    "submission.channel_desk_only": N_("Thủ tục này trả kết quả tại bộ phận một cửa; hãy chọn nhận kết quả "
                                       "trực tiếp."),
    "submission.document_required": N_("Hãy đính kèm {document}."),
    "submission.document_unknown": N_("Thủ tục không có giấy tờ này."),
    "submission.nonce_missing": N_("Biểu mẫu đã cũ; hãy tải lại trang rồi nộp lại."),
    "submission.postal_address_required": N_("Kết quả gửi qua bưu chính: hãy ghi địa chỉ nhận kết quả."),
    "submission.postal_address_too_long": N_("Địa chỉ nhận kết quả dài quá {max} ký tự."),
    "supplement.document_not_requested": N_("Cơ quan không yêu cầu bổ sung giấy tờ này; hãy chỉ gửi các giấy "
                                            "tờ được nêu trong phiếu yêu cầu bổ sung."),
    "account.address_too_long": N_("Địa chỉ dài quá {max} ký tự."),
    "draft.not_found": N_("Không có bản nháp nào của thủ tục này."),
    "draft.too_many": N_("Bạn đang giữ {max} bản nháp; hãy nộp hoặc xóa bớt một bản nháp trước."),
    "draft.file_lost": N_("Không đọc lại được tệp {filename} đã lưu trong bản nháp; hãy chọn lại tệp đó."),
    "agency.unknown": N_("Không có cơ quan mã {agency}."),
    "agency.wrong_level": N_("Hãy chọn cơ quan giải quyết đúng cấp của thủ tục."),
    "agency.required": N_("Hãy chọn cơ quan giải quyết."),
    "dossier.not_found": N_("Không tìm thấy hồ sơ {code}, hoặc bạn không có quyền xem hồ sơ này."),
    "supplement.applicant_only": N_("Chỉ người nộp hồ sơ được bổ sung hồ sơ."),
    "supplement.not_requested": N_("Hồ sơ không ở trạng thái chờ bổ sung."),
    "supplement.nothing_supplied": N_("Hãy tải lên ít nhất một giấy tờ hoặc sửa thông tin cần bổ sung."),
    "supplement.not_awaited": N_("Quy trình không chờ hồ sơ bổ sung; hãy tải lại trang."),
    "withdrawal.reason_too_long": N_("Lý do rút hồ sơ tối đa {max} ký tự."),
    "withdrawal.not_now": N_("Hồ sơ đang ở trạng thái “{status}”, không rút được."),
    "lookup.code_required": N_("Hãy nhập mã hồ sơ ghi trên phiếu hẹn, ví dụ 000.00.22.H34-260302-0001."),
    "lookup.phone_required": N_("Hãy nhập số điện thoại đã khai khi nộp hồ sơ (8 đến 15 chữ số)."),
    "lookup.no_match": N_("Không tìm thấy hồ sơ có mã và số điện thoại này. Hãy kiểm tra lại mã hồ sơ trên "
                          "phiếu hẹn và số điện thoại đã khai khi nộp."),
    "feedback.rating_range": N_("Hãy chọn mức đánh giá từ 1 đến 5 sao."),
    "feedback.comment_too_long": N_("Ý kiến tối đa {max} ký tự."),
    "feedback.comment_required": N_("Hãy nhập nội dung góp ý."),
    "feedback.not_finished": N_("Chỉ đánh giá được hồ sơ đã giải quyết xong."),
    "feedback.already_rated": N_("Bạn đã đánh giá hồ sơ này."),
    "feedback.admins_only": N_("Chỉ quản trị viên xem được góp ý."),
    "form.unknown_field": N_("Biểu mẫu không có trường này."),
    "form.not_boolean": N_("Hãy chọn có hoặc không."),
    "form.not_integer": N_("Hãy nhập một số nguyên."),
    "form.date_in_future": N_("Ngày này chưa đến: hãy nhập một ngày không sau {latest}."),
    "form.below_minimum": N_("Giá trị nhỏ nhất được chấp nhận là {min}."),
    "form.above_maximum": N_("Giá trị lớn nhất được chấp nhận là {max}."),
    "form.not_date": N_("Hãy nhập ngày theo dạng năm-tháng-ngày, ví dụ 2026-03-02."),
    "form.not_an_option": N_("Hãy chọn một trong: {options}."),
    "form.not_text": N_("Hãy nhập nội dung dạng chữ."),
    "form.too_long": N_("Tối đa {max} ký tự."),
    "form.not_email": N_("Địa chỉ thư điện tử chưa đúng, ví dụ ten@example.vn."),
    "form.not_phone": N_("Số điện thoại chưa đúng; hãy nhập 8 đến 15 chữ số."),
    "form.identity_number": N_("Số định danh gồm 12 chữ số."),
    "form.bad_format": N_("{label}: chưa đúng định dạng."),

    # -- the desk and task work (processes/desk, processes/dossier) -------------------------------
    "form.not_applicable": N_("Hồ sơ {code} không có mẫu số {form_no}: mẫu này chỉ in được khi hồ sơ "
                              "đã đến bước tương ứng."),
    "forms.font_missing": N_("Máy chủ chưa có phông chữ tiếng Việt để in biểu mẫu; hãy báo quản trị hệ thống "
                             "cài gói fonts-dejavu-core."),
    "register.period_required": N_("Hãy chọn kỳ: từ ngày, đến ngày."),
    "register.date_required": N_("Hãy nhập ngày dạng năm-tháng-ngày, ví dụ 2026-03-31."),
    "register.period_reversed": N_("Ngày cuối kỳ phải sau ngày đầu kỳ."),
    "register.period_too_long": N_("Mỗi lần in sổ tối đa {days} ngày; hãy chọn kỳ ngắn hơn."),
    "register.officers_only": N_("Chỉ cán bộ của cơ quan mới in được sổ theo dõi hồ sơ của cơ quan."),
    "desk.refusal_reason_required": N_("Hãy ghi lý do từ chối vào ô ghi chú."),
    "desk.return_reason_required": N_("Hãy ghi lý do trả lại vào ô ghi chú."),
    "desk.checklist_required": N_("Hãy kiểm tra và đánh dấu từng giấy tờ của hồ sơ trước khi tiếp nhận."),
    "desk.document_not_uploaded": N_("{document}: người nộp chưa nộp giấy tờ này; chưa thể tiếp nhận, hãy "
                                     "yêu cầu bổ sung."),
    "desk.document_not_checked": N_("{document}: chưa được đánh dấu là đã kiểm tra, hợp lệ."),
    "desk.supplement_unspecified": N_("Hãy đánh dấu giấy tờ cần bổ sung hoặc ghi rõ nội dung cần bổ sung "
                                      "vào ô ghi chú."),
    "desk.identity_not_checked": N_("Hãy kiểm tra giấy tờ tùy thân của người nhận trước khi trả kết quả."),
    "desk.originals_not_compared": N_("Hãy đối chiếu bản chính các giấy tờ trước khi trả kết quả."),
    "desk.applicant_not_signed": N_("Người nhận cần ký vào sổ và các biểu mẫu khi nhận kết quả."),
    "desk.recipient_required": N_("Hãy nhập họ tên người nhận kết quả."),
    "desk.identity_document_required": N_("Hãy nhập số giấy tờ tùy thân của người nhận."),
    "desk.tracking_number_invalid": N_("Hãy nhập số hiệu bưu gửi: 6 đến 30 chữ cái hoặc chữ số, ví dụ "
                                       "EE123456789VN."),
    "desk.result_file_required": N_("Hãy tải lên tệp kết quả đã ký số (PDF) để trả kết quả trực tuyến."),
    "desk.result_file_not_pdf": N_("Kết quả trả trực tuyến phải là tệp PDF đã ký số."),
    "desk.fee_unpaid": N_("Hồ sơ còn {amount_vnd} đồng phí, lệ phí chưa nộp: ghi nhận nộp phí trước khi trả "
                          "kết quả, hoặc ghi rõ lý do miễn thu."),
    "task.not_found": N_("Không có công việc này."),
    "task.not_yours": N_("Công việc này không thuộc cơ quan, vai trò của bạn hoặc đang do người khác giữ."),
    "task.already_done": N_("Công việc đã được {by} hoàn thành."),
    "task.changed": N_("Công việc vừa thay đổi; hãy tải lại trang."),
    "dossier.changed": N_("Hồ sơ vừa được người khác cập nhật; hãy tải lại trang rồi thử lại."),
    "task.claimed_by_other": N_("Công việc đã được {holder} nhận xử lý."),
    "task.held_by_other": N_("Công việc đang do người khác giữ."),
    "task.release_holder_only": N_("Chỉ người đang giữ công việc mới trả lại được."),
    "queue.unknown": N_("Không có danh sách công việc này."),
    "queue.officers_only": N_("Danh sách công việc dành cho cán bộ một cửa, chuyên môn và lãnh đạo."),
    "colleague.unknown": N_("Không có cán bộ {colleague}."),
    "colleague.not_eligible": N_("{colleague} không cùng cơ quan hoặc không có vai trò xử lý công việc này."),
    "fee.receipt_required": N_("Hãy nhập số biên lai thu phí, lệ phí (tối đa {max} ký tự)."),
    "fee.reception_only": N_("Chỉ bộ phận một cửa của cơ quan giải quyết thu phí, lệ phí."),
    "fee.already_paid": N_("Hồ sơ {code} đã nộp phí, lệ phí."),
    "note.empty": N_("Ghi chú không được để trống."),
    "note.too_long": N_("Ghi chú tối đa {max} ký tự."),
    "note.officers_only": N_("Chỉ cán bộ xử lý hồ sơ mới ghi chú được."),
    "document.not_found": N_("Hồ sơ không có tài liệu này."),
    "apology.reason_required": N_("Hãy nêu lý do trễ hạn."),
    "apology.reason_too_long": N_("Lý do tối đa {max} ký tự."),
    "apology.new_due_required": N_("Hãy chọn ngày giờ hẹn mới."),
    "apology.new_due_past": N_("Ngày hẹn mới phải sau thời điểm hiện tại ({now})."),
    "apology.leaders_only": N_("Chỉ lãnh đạo cơ quan giải quyết lập Phiếu xin lỗi và hẹn lại ngày trả kết "
                               "quả."),
    "apology.dossier_finished": N_("Hồ sơ đã giải quyết xong hoặc đã dừng."),
    "apology.not_late": N_("Hồ sơ chưa quá hạn: Phiếu xin lỗi (mẫu 04) chỉ dùng cho hồ sơ trễ hạn."),
    "apology.same_due": N_("Hồ sơ đã được hẹn trả kết quả vào {due}; hãy chọn ngày hẹn khác (ngày giờ ngoài "
                           "giờ làm việc được dời sang giờ làm việc kế tiếp)."),
    "calendar.year_range": N_("Hãy chọn năm từ {first} đến {last}."),
    "workflow.step_failed": N_("Không thể xử lý bước {element} của quy trình; chưa có gì thay đổi. Hãy báo "
                               "quản trị viên."),
    "workflow.script_budget.seconds": N_("Bước {element} của quy trình chạy quá {limit} giây nên đã bị dừng; "
                                         "chưa có gì thay đổi. Hãy báo người thiết kế quy trình."),
    "workflow.script_budget.steps": N_("Bước {element} của quy trình cần quá nhiều bước tính ({limit}) nên đã "
                                       "bị dừng; chưa có gì thay đổi. Hãy báo người thiết kế quy trình."),
    "workflow.script_budget.size": N_("Bước {element} của quy trình tạo ra dữ liệu quá lớn (quá {limit} phần "
                                      "tử) nên đã bị dừng; chưa có gì thay đổi. Hãy báo người thiết kế quy "
                                      "trình."),
    "workflow.consulted_agency_unknown": N_("Quy trình nhờ phối hợp một cơ quan chưa có trong danh mục "
                                            "({agency}); hãy báo quản trị viên."),
    "must_be_boolean": N_("Phải là true hoặc false."),
    "must_be_number": N_("Hãy nhập một số."),
    "must_be_date": N_("Hãy nhập ngày theo dạng năm-tháng-ngày, ví dụ 2026-03-02."),
    "unknown_field": N_("Không có trường này."),
    "upload.result_field_name": N_("Tệp kết quả phải gửi trong trường result."),

    # -- definitions and versions (processes/definitions) -----------------------------------------
    "definition.procedure_not_found": N_("Không có thủ tục mã {code}."),
    "definition.version_not_found": N_("Thủ tục {code} không có phiên bản {version}."),
    "definition.version_required": N_("Hãy chọn một số phiên bản."),
    "definition.agency_gone": N_("Cơ quan {agency} của phiên bản {version} không còn trong danh sách cơ "
                                 "quan; hãy thêm lại cơ quan hoặc công bố phiên bản khác."),
    "definition.stored_unreadable": N_("Không đọc được phiên bản đã lưu: phần tử {element} (dòng {line}): "
                                       "{problem}"),
    "definition.proposal_not_found": N_("Không có đề xuất số {id}."),
    "definition.proposal_decided": N_("Đề xuất số {id} đã được xử lý trước đó."),
    "definition.migration_conflict": N_("Một hồ sơ vừa được cập nhật trong lúc chuyển; không hồ sơ nào được "
                                        "chuyển. Hãy thử lại."),
    "definition.bpmn_required": N_("Hãy chọn tệp sơ đồ .bpmn"),
    "studio.sheet_rows": N_("Mục {field} của thông tin thủ tục phải là một danh sách, tối đa {limit} dòng."),
    "studio.sheet_text": N_("Mục {field} của thông tin thủ tục phải là chữ, tối đa {limit} ký tự."),
    "studio.sheet_number": N_("Mục {field} của thông tin thủ tục phải là một số (số nguyên với cấp độ và số "
                              "tiền)."),
    "definition.upload_too_large": N_("Tệp gửi lên quá lớn: sơ đồ và thông tin danh mục cộng lại tối đa "
                                      "{mb} MB. Chưa có gì được lưu."),

    # -- time and timers (processes/timekeeping) --------------------------------------------------
    "calendar.day_invalid": N_("{value} không phải là ngày; hãy nhập ngày dạng năm-tháng-ngày, ví dụ "
                               "2026-09-02."),
    "calendar.day_out_of_range": N_("Ngày {day} nằm ngoài khoảng cho phép: năm phải từ {first} đến {last}."),
    "calendar.kind_invalid": N_("Hãy chọn ngày nghỉ hoặc ngày làm việc bù."),
    "calendar.note_too_long": N_("Ghi chú tối đa {max} ký tự."),
    "calendar.already_listed": N_("Ngày {day} đã có trong bảng lịch."),
    "calendar.contradiction": N_("Ngày {day} đã được ghi là loại ngày khác; một ngày không thể vừa là ngày "
                                 "nghỉ vừa là ngày làm việc bù — hãy xóa mục cũ trước."),
    "calendar.not_accepted": N_("Không thêm được ngày {day} vào lịch làm việc."),
    "calendar.listed_meanwhile": N_("Ngày {day} vừa được người khác thêm vào lịch; hãy tải lại trang."),
    "calendar.not_listed": N_("Ngày {day} không có trong bảng lịch."),

    # -- accounts (processes/people) --------------------------------------------------------------
    "account.inactive": N_("Tài khoản {username} không tồn tại hoặc đã bị khóa."),
    "password.too_short": N_("Mật khẩu cần ít nhất {min} ký tự."),
    "password.same_as_username": N_("Mật khẩu không được trùng tên đăng nhập."),
    "password.mismatch": N_("Hai lần nhập mật khẩu không khớp."),
    "account.username_taken": N_("Tên đăng nhập {username} đã có người dùng; hãy chọn tên khác."),
    "account.email_taken": N_("Thư điện tử này đã gắn với một tài khoản khác; hãy đăng nhập hoặc lấy lại "
                              "mật khẩu."),
    "account.confirm_link_expired": N_("Liên kết xác nhận đã hết hạn; hãy đăng nhập và gửi lại thư xác "
                                       "nhận."),
    "account.confirm_link_invalid": N_("Liên kết xác nhận không hợp lệ."),
    "account.confirm_link_stale": N_("Liên kết không còn dùng được vì địa chỉ thư điện tử đã thay đổi."),
    "account.already_confirmed": N_("Địa chỉ thư điện tử đã được xác nhận."),
    "login.wrong_credentials": N_("Tên đăng nhập hoặc mật khẩu không đúng."),
    "account.email_invalid": N_("Địa chỉ thư điện tử không hợp lệ."),
    "account.reset_link_expired": N_("Liên kết đặt lại mật khẩu đã hết hạn (quá 1 giờ); hãy yêu cầu liên "
                                     "kết mới."),
    "account.reset_link_invalid": N_("Liên kết đặt lại mật khẩu không hợp lệ."),
    "account.reset_link_used": N_("Liên kết đã được dùng; hãy yêu cầu liên kết mới."),
    "account.current_password_wrong": N_("Mật khẩu hiện tại không đúng."),
    "password.unchanged": N_("Mật khẩu mới phải khác mật khẩu hiện tại."),
    "account.password_change_required": N_("Tài khoản đang dùng mật khẩu ban đầu: hãy đăng nhập trên trang web "
                                           "và đặt mật khẩu của riêng bạn trước khi dùng API."),
    "token.not_found": N_("Không có mã truy cập số {id} của bạn (có thể đã bị thu hồi hoặc hết hạn)."),

    # -- administration and reports (processes/administration, processes/reports) -----------------
    "agency.code_format": N_("Mã cơ quan {code} không đúng dạng mã định danh 000.NN.NN.Hxx, ví dụ "
                             "000.00.22.H34."),
    "agency.level_invalid": N_("Hãy chọn cấp của cơ quan."),
    "agency.parent_required": N_("Cơ quan cấp dưới cần có cơ quan cấp trên."),
    "agency.code_taken": N_("Mã {code} đã được dùng cho một cơ quan khác."),
    "agency.parent_not_found": N_("Không có cơ quan mã {code}."),
    "agency.parent_level": N_("Cơ quan cấp trên {code} phải ở cấp cao hơn cơ quan được thêm."),
    "agency.not_found": N_("Không có cơ quan mã {code}."),
    "agency.name_required": N_("Hãy nhập tên cơ quan."),
    "agency.name_too_long": N_("Tên tối đa {max} ký tự."),
    "admin.email_invalid": N_("{email} không phải địa chỉ thư điện tử."),
    "account.username_format": N_("Tên đăng nhập gồm 3–40 ký tự: chữ thường không dấu, chữ số, dấu _ . -"),
    "account.full_name_required": N_("Hãy nhập họ tên (tối đa {max} ký tự)."),
    "account.email_required": N_("Hãy nhập thư điện tử."),
    "account.lock_self": N_("Không thể tự khóa tài khoản của mình."),
    "account.roles_required": N_("Hãy chọn ít nhất một vai trò."),
    "account.roles_not_grantable": N_("Chỉ được chọn vai trò của cán bộ: một cửa, chuyên viên, lãnh đạo, "
                                      "quản trị cơ quan."),
    "account.not_your_agency": N_("Chỉ quản lý được tài khoản của cơ quan mình."),
    "account.role_not_grantable": N_("Bạn không được cấp vai trò quản trị."),
    "account.not_found": N_("Không có tài khoản {username}."),
    "account.system_account": N_("Tài khoản máy của hệ thống không sửa được từ trang quản trị."),
    "account.other_agency_admin": N_("Không được sửa tài khoản của quản trị cơ quan khác."),
    "report.end_before_start": N_("Ngày kết thúc đứng trước ngày bắt đầu."),
    "report.not_your_agency": N_("Chỉ xem được báo cáo của cơ quan mình."),
    "incident.not_found": N_("Không có sự cố số {id}."),
    "incident.already_resolved": N_("Sự cố số {id} đã được xử lý."),

    # -- adapters (attachments, configuration) -----------------------------------------------------
    "upload.empty": N_("Tệp {filename} rỗng; hãy chọn lại tệp."),
    "upload.too_large": N_("Tệp {filename} lớn hơn {max_mb} MB; hãy thu nhỏ tệp (quét ở độ phân giải thấp "
                           "hơn) rồi gửi lại."),
    "upload.type_not_allowed": N_("Tệp {filename}: chỉ nhận tệp PDF, JPEG hoặc PNG; nội dung tệp không phải "
                                  "các loại này."),
    "upload.extension_mismatch": N_("Tệp {filename}: tên tệp không khớp nội dung; tệp này cần có đuôi "
                                    "{extension}."),
    "upload.declared_type_mismatch": N_("Tệp {filename}: loại tệp khai báo không khớp nội dung tệp."),
    "upload.too_many_files": N_("Giấy tờ này nhận tối đa {max} tệp mỗi lần gửi."),

    # -- issue 17: oversight (indicators, dashboards, the annual report) --------------------------------
    "report.year_invalid": N_("Năm {value} không hợp lệ: nhập năm từ 2000 đến 2100."),
    "report.format_unknown": N_("Không có báo cáo dạng {format}: chọn PDF hoặc XLSX."),
    "feedback.status_unknown": N_("Trạng thái góp ý không hợp lệ: chọn đã nhận, đã trả lời hoặc đã đóng."),
    "feedback.not_found": N_("Không có góp ý số {id}."),
    "feedback.not_your_agency": N_("Góp ý này không thuộc cơ quan của bạn."),
    "feedback.answer_required": N_("Hãy nhập nội dung trả lời."),
    "feedback.answer_too_long": N_("Câu trả lời tối đa {max} ký tự."),
    "feedback.closed": N_("Góp ý số {id} đã đóng."),
    # -- issue 12 (h12b): procedural acts and the operations console ---------------------------------
    "reason.too_long": N_("Lý do tối đa {max} ký tự."),
    "acts.officers_only": N_("Chỉ cán bộ của cơ quan giải quyết xem được các đề nghị của hồ sơ."),
    "transfer.reason_required": N_("Hãy nêu lý do chuyển hồ sơ (vì sao hồ sơ không thuộc thẩm quyền)."),
    "transfer.agency_unknown": N_("Không có cơ quan mã {code}; hãy chọn cơ quan trong danh sách."),
    "transfer.same_agency": N_("Hồ sơ đang ở chính cơ quan này; hãy chọn cơ quan có thẩm quyền khác."),
    "transfer.no_reception": N_("{agency} chưa có cán bộ một cửa đang hoạt động để nhận hồ sơ."),
    "transfer.not_your_agency": N_("Chỉ bộ phận một cửa hoặc lãnh đạo của cơ quan đang giữ hồ sơ được chuyển hồ sơ."),
    "transfer.dossier_closed": N_("Hồ sơ đang ở trạng thái “{status}”, không chuyển được."),
    "transfer.after_acceptance": N_("Hồ sơ đã được tiếp nhận nên không chuyển cơ quan được; cơ quan tiếp nhận chịu "
                                    "trách nhiệm giải quyết."),
    "extension.specialists_only": N_("Chỉ chuyên viên của cơ quan giải quyết được đề nghị gia hạn."),
    "extension.leaders_only": N_("Chỉ lãnh đạo của cơ quan giải quyết được quyết định gia hạn."),
    "extension.reason_required": N_("Hãy nêu lý do đề nghị gia hạn."),
    "extension.refusal_reason_required": N_("Hãy nêu lý do không chấp thuận gia hạn."),
    "extension.days_invalid": N_("Số ngày làm việc gia hạn là số nguyên từ 1 đến {max}."),
    "extension.dossier_closed": N_("Hồ sơ đang ở trạng thái “{status}”, không gia hạn được."),
    "extension.not_accepted": N_("Hồ sơ chưa được tiếp nhận nên chưa có hạn trả kết quả để gia hạn."),
    "extension.paused": N_("Hồ sơ đang chờ người nộp bổ sung (thời hạn đang tạm dừng); hãy gia hạn sau khi "
                           "hồ sơ được bổ sung."),
    "extension.already_late": N_("Hồ sơ đã quá hạn trả kết quả: không gia hạn được nữa; lãnh đạo gửi thư xin lỗi "
                                 "và hẹn lại ngày trả kết quả (mẫu 04)."),
    "extension.already_pending": N_("Hồ sơ đã có một đề nghị gia hạn đang chờ lãnh đạo quyết định."),
    "extension.not_found": N_("Không có đề nghị gia hạn số {id} của hồ sơ này."),
    "extension.already_decided": N_("Đề nghị gia hạn này đã được quyết định."),
    "withdrawal.already_requested": N_("Bạn đã gửi đề nghị rút hồ sơ; bộ phận một cửa đang xem xét."),
    "withdrawal.reception_only": N_("Chỉ bộ phận một cửa của cơ quan giải quyết xem xét đề nghị rút hồ sơ."),
    "withdrawal.no_request": N_("Hồ sơ không có đề nghị rút nào đang chờ xem xét."),
    "withdrawal.refusal_reason_required": N_("Hãy nêu lý do không chấp nhận đề nghị rút hồ sơ."),
    "substitute.officers_only": N_("Chỉ cán bộ của một cơ quan mới có người thay thế."),
    "substitute.not_allowed": N_("Chỉ chính cán bộ vắng mặt, lãnh đạo hoặc quản trị của cơ quan được cử người thay."),
    "substitute.end_before_start": N_("Ngày kết thúc phải từ ngày bắt đầu trở đi."),
    "substitute.in_the_past": N_("Thời gian thay thế đã qua; hãy chọn ngày kết thúc từ hôm nay trở đi."),
    "substitute.too_long": N_("Thời gian thay thế tối đa {max} ngày."),
    "substitute.not_found": N_("Không có lượt cử người thay số {id}."),
    "substitute.already_ended": N_("Lượt cử người thay này đã kết thúc."),
    "operations.timer_not_found": N_("Không có bộ hẹn giờ số {id}."),
    "operations.timer_orphan": N_("Bộ hẹn giờ số {id} thuộc một hồ sơ không còn tồn tại; không thử lại được, hãy "
                                  "đánh dấu sự cố đã xử lý."),
    "operations.timer_not_parked": N_("Bộ hẹn giờ số {id} không bị dừng vì lỗi; hệ thống tự chạy khi đến hạn."),
    "operations.message_not_found": N_("Không có thư số {id}."),
    "operations.message_not_failed": N_("Thư số {id} đang ở trạng thái “{status}”; chỉ gửi lại thư đã gửi lỗi."),
    "operations.message_status_unknown": N_("Trạng thái thư chỉ là pending, sent hoặc failed."),
    "operations.reason_required": N_("Hãy nêu lý do."),
    "operations.dossier_closed": N_("Hồ sơ đang ở trạng thái “{status}”, đã kết thúc."),
    "operations.already_suspended": N_("Hồ sơ đang bị tạm dừng."),
    "operations.not_suspended": N_("Hồ sơ không bị tạm dừng."),
    "operations.dossier_suspended": N_("Hồ sơ đang bị quản trị viên tạm dừng; chờ tiếp tục rồi thao tác lại."),

    # -- issue 15: notices that leave the building, the national portal --------------------------------
    "notices.channel_unknown": N_("Kênh nhận thông báo “{channel}” không được hỗ trợ (thư điện tử, SMS, Zalo)."),
    "notices.language_unknown": N_("Ngôn ngữ nhận thông báo phải là tiếng Việt hoặc tiếng Anh."),
    "national.officers_only": N_("Chỉ cán bộ xử lý hồ sơ và quản trị viên được tra cứu đồng bộ với Cổng Dịch vụ công "
                                 "quốc gia."),
    "national.unreachable": N_("Không kết nối được Cổng Dịch vụ công quốc gia: {problem}"),
    "catalogue_import.too_large": N_("Tệp xuất từ Cơ sở dữ liệu quốc gia về thủ tục hành chính lớn hơn {max_mb} MB."),
    "catalogue_import.unreadable": N_("Không đọc được tệp: cần tệp JSON hoặc XLSX xuất từ Cơ sở dữ liệu quốc gia "
                                      "về thủ tục hành chính."),
    # -- issue 11: two-factor log-in (processes.people.two_factor) ---------------------------------
    "two_factor.officers_only": N_("Xác thực hai lớp dành cho cán bộ và quản trị viên."),
    "two_factor.already_on": N_("Xác thực hai lớp đã được bật cho tài khoản này."),
    "two_factor.not_on": N_("Xác thực hai lớp chưa được bật cho tài khoản này."),
    "two_factor.not_begun": N_("Hãy mở lại trang xác thực hai lớp để nhận khóa bí mật trước khi nhập mã."),
    "two_factor.code_wrong": N_("Mã xác thực không đúng, đã dùng rồi hoặc đã hết hạn; hãy nhập mã đang hiện "
                                "trong ứng dụng."),
    "two_factor.login_expired": N_("Đã quá 5 phút kể từ khi nhập mật khẩu; hãy đăng nhập lại."),
    "two_factor.login_invalid": N_("Phiên đăng nhập không còn hợp lệ; hãy đăng nhập lại."),
    "two_factor.too_many_codes": N_("Nhập sai mã xác thực quá nhiều lần; hãy thử lại sau {minutes} phút."),
    "two_factor.reset_self": N_("Không tự đặt lại xác thực hai lớp của chính mình; hãy nhờ một quản trị viên "
                                "khác."),
    "two_factor.token_needs_second_factor": N_("Tài khoản dùng xác thực hai lớp: chỉ tạo được mã truy cập từ "
                                               "một phiên đăng nhập đã qua bước xác thực hai lớp."),
    # Issue 14: digital signatures (signed results and notices, verified uploads, /verify)
    "desk.result_not_signable": N_("Không ký số được tệp kết quả: tệp PDF bị hỏng, hoặc cơ quan chưa được cấu "
                                   "hình chứng thư số để ký."),
    "verify.file_required": N_("Hãy chọn một tệp PDF để kiểm tra chữ ký số."),
    "verify.file_too_large": N_("Tệp lớn hơn {max_mb} MB nên không kiểm tra được."),
    "result.not_available": N_("Hồ sơ {code} chưa có kết quả điện tử đã ký số."),
    "verify.too_many": N_("Bạn đã kiểm tra quá nhiều tệp trong thời gian ngắn; hãy thử lại sau {minutes} phút."),

    # -- issue 13: payments (online through VNPay, transfer, receipts, refunds) --
    "payment.applicant_only": N_("Chỉ người nộp hồ sơ mới thanh toán trực tuyến phí, lệ phí của hồ sơ."),
    "payment.already_paid": N_("Phí, lệ phí của hồ sơ {code} đã được nộp."),
    "payment.dossier_closed": N_("Hồ sơ {code} đã kết thúc; không thể thanh toán."),
    "payment.nothing_due": N_("Hồ sơ {code} không phải nộp phí, lệ phí."),
    "payment.online_unavailable": N_("Cơ quan giải quyết hồ sơ {code} chưa nhận thanh toán trực tuyến; hãy nộp "
                                     "phí, lệ phí tại bộ phận một cửa hoặc chuyển khoản."),
    "payment.channel_unknown": N_("Kênh thanh toán không được hỗ trợ; hãy dùng vnpay."),
    "payment.not_found": N_("Không tìm thấy giao dịch thanh toán này."),
    "payment.receipt_not_found": N_("Hồ sơ {code} chưa nộp phí, lệ phí nên chưa có biên lai."),
    "payment.transfer_reference_required": N_("Hãy nhập số tham chiếu của giao dịch chuyển khoản (tối đa {max} "
                                              "ký tự)."),
    "payment.refund_reason_required": N_("Hãy nêu lý do hoàn trả (tối đa {max} ký tự)."),
    "payment.refund_leader_only": N_("Chỉ lãnh đạo cơ quan giải quyết mới quyết định hoàn trả phí, lệ phí."),
    "payment.refund_nothing_paid": N_("Hồ sơ {code} chưa nộp phí, lệ phí nên không có gì để hoàn trả."),
    "payment.already_refunded": N_("Phí, lệ phí của hồ sơ {code} đã được hoàn trả."),
    "payment.refund_already_proposed": N_("Việc hoàn trả phí, lệ phí của hồ sơ {code} đã được đề nghị."),
    "payment.refund_not_due": N_("Hồ sơ {code} không thuộc trường hợp hoàn trả phí, lệ phí (chỉ khi hồ sơ bị "
                                 "từ chối hoặc dừng xử lý)."),
    "payment.refund_attempt_missing": N_("Không tìm thấy giao dịch trực tuyến đã thanh toán của hồ sơ {code} "
                                         "để hoàn trả."),
    "payment.gateway_unavailable": N_("Không kết nối được với cổng thanh toán; hãy thử lại sau."),
    "payment.refund_refused": N_("Cổng thanh toán từ chối hoàn trả (mã {gateway_code})."),
    # -- issue 11: the fuzz stage (web/gate.py) ----------------------------------------------------
    "input.unnamed_part": N_("Một phần của biểu mẫu gửi lên không có tên trường; hãy gửi lại biểu mẫu."),


    # -- issue 12 (h12a): counter and postal intake, dossier search, the dossier page, inboxes --------
    "intake.reception_only": N_("Chỉ cán bộ một cửa của cơ quan được đăng ký hồ sơ nộp tại quầy hoặc qua bưu "
                                "chính."),
    "intake.channel_unknown": N_("Hình thức nhận hồ sơ phải là tại quầy (counter) hoặc qua bưu chính (post)."),
    "intake.id_number_invalid": N_("Số định danh cá nhân phải gồm 12 chữ số (hoặc số CMND 9 chữ số)."),
    "intake.name_required": N_("Hãy nhập họ tên người nộp hồ sơ."),
    "intake.name_too_long": N_("Họ tên người nộp dài quá {max} ký tự."),
    "intake.phone_invalid": N_("Số điện thoại người nộp phải có từ 8 đến 15 chữ số; người nộp dùng số này để "
                               "tra cứu hồ sơ."),
    "intake.address_too_long": N_("Địa chỉ dài quá {max} ký tự."),
    "intake.arrival_required": N_("Hãy nhập ngày bưu phẩm đến cơ quan: thời hạn giải quyết tính từ ngày này."),
    "intake.arrival_in_future": N_("Ngày bưu phẩm đến không thể sau thời điểm hiện tại."),
    "intake.sender_required": N_("Hãy nhập người gửi bưu phẩm (họ tên, địa chỉ trên phong bì)."),
    "intake.sender_too_long": N_("Thông tin người gửi dài quá {max} ký tự."),
    "intake.other_agency": N_("Thủ tục này do cơ quan khác tiếp nhận; quầy của cơ quan bạn không đăng ký hồ "
                              "sơ của thủ tục này."),
    "search.period_reversed": N_("Ngày kết thúc phải sau ngày bắt đầu."),
    "dossier.officers_only": N_("Chỉ cán bộ của cơ quan giải quyết hoặc phối hợp xem được trang hồ sơ này."),
    "draft.specialists_only": N_("Chỉ chuyên viên của cơ quan giải quyết được lập dự thảo kết quả."),
    "draft.not_now": N_("Chỉ lập dự thảo kết quả khi hồ sơ đã được tiếp nhận và đang xử lý."),
    "draft.not_pdf": N_("Dự thảo kết quả phải là tệp PDF."),
    "inbox.ids_invalid": N_("Hãy gửi danh sách mã thông báo (số nguyên), tối đa {max} mã."),
    "must_be_list": N_("Phải là một danh sách (mảng JSON) các chuỗi ký tự."),
    "link.applicants_only": N_("Chỉ tài khoản công dân, tổ chức liên kết được hồ sơ với tài khoản của mình."),
    # -- issue 16: the analysts' studio (test-run of a published diagram) ----------------------------
    "definition.simulate_decision": N_("Dòng quyết định “{line}” không đúng dạng MÃ=GIÁ TRỊ (ví dụ "
                                       "reception_decision=refuse)."),
    "definition.simulate_instant": N_("Thời điểm nhận hồ sơ “{value}” không đúng dạng ngày giờ (ví dụ "
                                      "2026-03-02T08:00)."),
    # -- issue 18: privacy records (break-glass) --------------------------------------------------------
    "dossier.break_glass_reason": N_("Hồ sơ {code} không thuộc cơ quan của bạn: hãy ghi rõ lý do truy cập "
                                     "(lý do được ghi vào nhật ký truy cập của hồ sơ)."),
    # -- issue 18: consent records (Decree 13/2023, processes/people/consent.py) ----------------------------
    "consent.purpose_unknown": N_("Mục đích “{purpose}” không có; các mục đích bạn có thể đồng ý hoặc rút lại: "
                                  "zalo_notices (nhận thông báo qua Zalo), profile_prefill (lưu số định danh "
                                  "và địa chỉ để điền sẵn tờ khai)."),
    "consent.decision_unknown": N_("Quyết định phải là granted (đồng ý) hoặc withdrawn (rút lại sự đồng ý)."),
    "consent.not_withdrawable": N_("Không thể rút lại mục đích “{purpose_title}”: cơ quan xử lý dữ liệu trong hồ sơ "
                                   "để giải quyết thủ tục theo quy định của pháp luật (Nghị định 13/2023/NĐ-CP, "
                                   "Điều 17). Bạn vẫn xem và tải về được toàn bộ dữ liệu cơ quan đang lưu."),
    "consent.not_needed": N_("Mục đích “{purpose_title}” không cần sự đồng ý: cơ quan xử lý dữ liệu trong hồ sơ theo "
                             "quy định của pháp luật và đã thông báo cho bạn."),
}


def status_of(refusal: Refused) -> int:
    return STATUS.get(refusal.kind, 400)


# Parameters that are themselves source texts of the use cases (a purpose's title): said in the reader's
# language too.
TRANSLATED_PARAMS = ("purpose_title",)


def describe(reason: Reason) -> str:
    """The sentence for one reason, in the current language, its parameters filled in."""
    text = MESSAGES.get(reason.code)
    if text is None:  # a code without a sentence is a bug; say something true rather than the code
        text = MESSAGES["forbidden"] if reason.code.endswith("forbidden") else N_("Yêu cầu không hợp lệ")
    params = {k: gettext(v) if k in TRANSLATED_PARAMS and isinstance(v, str) else v
              for k, v in reason.params.items()}
    return gettext(text, **params)


def message_of(refusal: Refused) -> str:
    """One sentence for the whole refusal (its reasons joined)."""
    return " ".join(describe(r) for r in refusal.reasons)


def field_messages(refusal: Refused) -> dict[str, str]:
    """Each bad field with what is wrong; reasons about no field under the key ""."""
    found: dict[str, str] = {}
    for reason in refusal.reasons:
        key = reason.field or ""
        found[key] = f"{found[key]} {describe(reason)}" if key in found else describe(reason)
    return found


def as_json(refusal: Refused) -> dict[str, Any]:
    """The API's error body: `{"error": {"code", "message", "field"?, "fields"?, "params"?}}`."""
    body: dict[str, Any] = {"code": refusal.code,
                            "message": message_of(refusal)}
    if refusal.field:
        body["field"] = refusal.field
    if refusal.params:
        body["params"] = {k: v for k, v in refusal.params.items() if _plain(v)}
    fields = field_messages(refusal)
    fields.pop("", None)
    if fields:
        body["fields"] = fields  # each bad field with its sentence
    body["reasons"] = [{"code": r.code, "field": r.field,
                        "message": describe(r)} for r in refusal.reasons]
    return {"error": body}


def _plain(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool)) or value is None
