"""English for the citizens' portal pages (catalogue, accounts, submission, tracking, feedback)."""
from __future__ import annotations

EN_PORTAL: dict[str, str] = {
    # site frame
    "Bỏ qua, đến nội dung chính": "Skip to the main content",
    "Điều hướng chính": "Main navigation",
    "Thủ tục hành chính": "Administrative procedures",
    "Tra cứu hồ sơ": "Look up a dossier",
    "Hồ sơ của tôi": "My dossiers",
    "Góp ý": "Feedback",
    "Tài khoản": "Account",
    "Đăng ký": "Register",
    "Vị trí": "Breadcrumb",
    # forms
    "Chưa gửi được: hãy sửa các mục sau": "Not sent yet: please correct the following",
    "bắt buộc": "required",
    "chọn": "choose",
    "nếu có": "if any",
    "mã": "code",
    "mẫu": "form",
    # catalogue
    "Tìm thủ tục (có thể gõ không dấu)": "Find a procedure (diacritics optional)",
    "ví dụ: dang ky kinh doanh": "e.g. dang ky kinh doanh",
    "Tất cả": "All",
    "Tìm": "Search",
    "Tìm thấy {n} thủ tục.": "{n} procedures found.",
    "Ngành": "Sector",
    "Mức độ {n}": "Level {n}",
    "Cơ quan thực hiện": "Handling agency",
    "Không có thủ tục nào khớp với điều kiện tìm kiếm.": "No procedure matches the search.",
    "Trong ngày (nộp sau 15 giờ: trả vào ngày làm việc tiếp theo)":
        "Same day (submitted after 15:00: the next working day)",
    "cấp tỉnh": "provincial level", "cấp sở, ngành": "department level", "cấp huyện": "district level",
    "cấp xã": "commune level",
    # one service
    "Mã thủ tục": "Procedure code",
    "Nộp hồ sơ trực tuyến": "Submit online",
    "Dịch vụ công mức độ 2: tải biểu mẫu, điền và nộp trực tiếp hoặc qua bưu chính; không cần tài khoản.":
        "Level 2 service: download the forms, fill them in and hand them in at the desk or by post; "
        "no account needed.",
    "Thời hạn giải quyết": "Processing time",
    "Ủy ban nhân dân": "People's Committee",
    "nơi cư trú / nơi có hồ sơ": "of the place of residence / of the matter",
    "Đối tượng thực hiện": "Who may apply",
    "Kết quả thực hiện": "Result",
    "Cách thức thực hiện": "Channels",
    "Phí, lệ phí": "Fees and charges",
    "Không thu phí, lệ phí": "No fee or charge",
    "Trình tự thực hiện": "Steps",
    "Thành phần hồ sơ": "Required documents",
    "Giấy tờ": "Document",
    "Bắt buộc": "Required",
    "Biểu mẫu": "Form",
    "Có": "Yes",
    "Nếu có": "If applicable",
    "Tải mẫu": "Download the form",
    "Số lượng: 01 bộ. Nộp trực tuyến: mỗi giấy tờ là một tệp PDF, JPEG hoặc PNG riêng.":
        "Quantity: one set. Online: each document as a separate PDF, JPEG or PNG file.",
    "Yêu cầu, điều kiện thực hiện": "Requirements and conditions",
    "Không có": "None",
    "Căn cứ pháp lý": "Legal basis",
    "Trách nhiệm của các bên": "Responsibilities of each party",
    "Tổ chức, cá nhân": "Applicant (person or organisation)",
    "Cơ quan giải quyết": "Handling agency",
    "Hướng dẫn sử dụng dịch vụ": "How to use this service",
    "Chọn Nộp hồ sơ trực tuyến, điền tờ khai, đính kèm từng giấy tờ và theo dõi hồ sơ trong mục Hồ sơ của tôi.":
        "Choose Submit online, fill in the form, attach each document and follow the dossier under My dossiers.",
    "Tình hình tiếp nhận, giải quyết": "Dossiers received and processed",
    "Hồ sơ đã tiếp nhận": "Dossiers received",
    "Tiếp nhận trong 30 ngày qua": "Received in the last 30 days",
    "Hồ sơ đã giải quyết": "Dossiers processed",
    "Giải quyết đúng hạn": "Processed on time",
    # look-up
    "Tra cứu tình trạng hồ sơ": "Look up the status of a dossier",
    "Nhập mã hồ sơ (in trên phiếu hẹn) và số điện thoại đã khai khi nộp. Trang này chỉ cho biết tình trạng "
    "hồ sơ, không hiện thông tin cá nhân.":
        "Enter the dossier code (printed on the appointment receipt) and the phone number given when "
        "submitting. This page shows the status only, no personal data.",
    "Mã hồ sơ": "Dossier code",
    "Ví dụ: 000.00.22.H34-260302-0001": "Example: 000.00.22.H34-260302-0001",
    "Số điện thoại của người nộp": "Applicant's phone number",
    "Tra cứu": "Look up",
    "Hồ sơ": "Dossier",
    "Thủ tục": "Procedure",
    "Tình trạng": "Status",
    "Ngày nộp": "Submitted",
    "Ngày hẹn trả kết quả": "Appointment date for the result",
    "Ngày hẹn trả": "Appointment",
    "chưa có (hồ sơ chưa được tiếp nhận)": "not yet (the dossier has not been accepted)",
    "Ngày giải quyết xong": "Processing finished",
    "Không tìm thấy hồ sơ có mã và số điện thoại này. Hãy kiểm tra lại mã hồ sơ trên phiếu hẹn và số điện "
    "thoại đã khai khi nộp.":
        "No dossier with this code and phone number. Check the code on the receipt and the phone number "
        "given when submitting.",
    "Tra cứu quá nhiều lần; hãy thử lại sau {minutes} phút.": "Too many look-ups; try again in {minutes} minutes.",
    # feedback
    "Góp ý, phản ánh về dịch vụ công": "Feedback on the public services",
    "Ý kiến của bạn được lưu lại để cơ quan quản lý xem xét (không bắt buộc ghi tên).":
        "Your feedback is kept for the administration to review (your name is optional).",
    "Nội dung góp ý": "Your feedback",
    "Mức độ hài lòng (không bắt buộc)": "Satisfaction (optional)",
    "Họ tên (không bắt buộc)": "Name (optional)",
    "Thư điện tử hoặc số điện thoại để cơ quan trả lời (không bắt buộc)":
        "E-mail or phone number for a reply (optional)",
    "Gửi góp ý": "Send feedback",
    "Cảm ơn bạn đã góp ý. Ý kiến đã được ghi nhận để cơ quan xem xét.":
        "Thank you. Your feedback has been recorded for review.",
    # accounts
    "Đăng ký tài khoản": "Create an account",
    "Cần tài khoản để nộp hồ sơ trực tuyến (mức độ 3, 4). Sau khi đăng ký, hãy mở liên kết trong thư gửi tới "
    "địa chỉ của bạn để xác nhận.":
        "An account is needed to submit online (levels 3 and 4). After registering, open the link mailed to "
        "your address to confirm it.",
    "Tên đăng nhập": "Username",
    "3–40 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới, gạch ngang":
        "3–40 characters: lower-case letters without diacritics, digits, dot, underscore, hyphen",
    "Họ và tên": "Full name",
    "Thư điện tử": "E-mail",
    "Số điện thoại": "Phone number",
    "Dùng để nhận tin nhắn và tra cứu hồ sơ": "For text messages and looking up dossiers",
    "Mật khẩu": "Password",
    "Ít nhất 10 ký tự": "At least 10 characters",
    "Nhập lại mật khẩu": "Repeat the password",
    "Đã có tài khoản?": "Already have an account?",
    "Quên mật khẩu?": "Forgot your password?",
    "Quên mật khẩu": "Forgotten password",
    "Nhập địa chỉ thư điện tử của tài khoản; chúng tôi sẽ gửi liên kết đặt lại mật khẩu (hiệu lực 1 giờ).":
        "Enter the account's e-mail address; we will send a link to set a new password (valid for 1 hour).",
    "Gửi liên kết": "Send the link",
    "Đặt mật khẩu mới": "Set a new password",
    "Yêu cầu liên kết mới": "Ask for a new link",
    "Mật khẩu mới": "New password",
    "Nhập lại mật khẩu mới": "Repeat the new password",
    "Lưu mật khẩu": "Save the password",
    "Địa chỉ thư điện tử {email} chưa được xác nhận: hãy mở liên kết trong thư chúng tôi đã gửi. Chưa xác "
    "nhận thì chưa nộp được hồ sơ trực tuyến.":
        "The e-mail address {email} is not confirmed yet: open the link in the mail we sent. Until then you "
        "cannot submit online.",
    "Gửi lại thư xác nhận": "Send the confirmation mail again",
    "Địa chỉ thư điện tử đã được xác nhận.": "The e-mail address is confirmed.",
    "Thông tin cá nhân": "Personal details",
    "Đổi địa chỉ thì cần xác nhận lại": "A new address must be confirmed again",
    "Lưu": "Save",
    "Đổi mật khẩu": "Change the password",
    "Mật khẩu hiện tại": "Current password",
    "Đã tạo tài khoản. Chúng tôi đã gửi thư tới {email}: hãy mở liên kết trong thư để xác nhận địa chỉ trước "
    "khi nộp hồ sơ.":
        "Account created. We sent a mail to {email}: open its link to confirm the address before submitting.",
    "Đã xác nhận địa chỉ thư điện tử. Bạn có thể nộp hồ sơ trực tuyến.":
        "E-mail address confirmed. You can now submit online.",
    "Đăng nhập sai quá nhiều lần. Hãy thử lại sau {minutes} phút, hoặc lấy lại mật khẩu.":
        "Too many failed log-ins. Try again in {minutes} minutes, or reset your password.",
    "Bạn đã đăng xuất.": "You are logged out.",
    "Đã yêu cầu nhiều lần; hãy thử lại sau 1 giờ.": "Too many requests; try again in an hour.",
    "Nếu địa chỉ này gắn với một tài khoản, thư hướng dẫn đặt lại mật khẩu đã được gửi; liên kết có hiệu lực "
    "1 giờ.":
        "If this address belongs to an account, a mail with a link to set a new password has been sent; "
        "the link is valid for 1 hour.",
    "Đã đặt mật khẩu mới. Hãy đăng nhập.": "New password set. Please log in.",
    "Đã lưu thông tin tài khoản.": "Account details saved.",
    "Hãy mở liên kết trong thư vừa gửi để xác nhận địa chỉ thư điện tử mới.":
        "Open the link in the mail just sent to confirm the new address.",
    "Đã đổi mật khẩu.": "Password changed.",
    "Đã gửi nhiều thư xác nhận; hãy thử lại sau 1 giờ.": "Many confirmation mails were sent; try again in an hour.",
    "Đã gửi lại thư xác nhận.": "The confirmation mail was sent again.",
    "Địa chỉ thư điện tử đã được xác nhận": "The e-mail address is confirmed",
    # submission
    "Nộp hồ sơ": "Submit",
    "Tài khoản chưa xác nhận địa chỉ thư điện tử nên chưa nộp được hồ sơ.":
        "The account's e-mail address is not confirmed, so it cannot submit yet.",
    "Xác nhận hoặc gửi lại thư": "Confirm, or send the mail again",
    "Dịch vụ mức độ 4: tệp PDF có chữ ký số được xử lý hoàn toàn trực tuyến. Giấy tờ nào không có chữ ký số thì "
    "sau khi nộp, bạn gửi thêm bản sao có chứng thực qua bưu chính, ghi rõ mã hồ sơ; phiếu tiếp nhận sẽ liệt kê "
    "các giấy tờ đó.":
        "Level 4 service: digitally signed PDF files are handled entirely online. For documents without a "
        "digital signature, post certified copies after submitting, marked with the dossier code; the receipt "
        "lists them.",
    "Tờ khai": "Application form",
    "Chọn cơ quan nơi nộp hồ sơ": "Choose the agency to submit to",
    "Giấy tờ đính kèm": "Attached documents",
    "Mỗi giấy tờ một tệp PDF, JPEG hoặc PNG (quét hoặc chụp từ bản chính), tối đa {mb} MB mỗi tệp.":
        "One PDF, JPEG or PNG file per document (scanned or photographed from the original), at most {mb} MB each.",
    "Vì lý do an toàn, trình duyệt không giữ tệp đã chọn: hãy chọn lại các tệp.":
        "For safety, browsers do not keep chosen files: please choose the files again.",
    "Hình thức nhận kết quả": "How to receive the result",
    "Nhận trực tiếp tại bộ phận một cửa": "In person at the one-stop desk",
    "Qua dịch vụ bưu chính công ích": "By public postal service",
    "Trực tuyến trên Cổng dịch vụ công": "Online on the public service portal",
    "Tôi xin cam đoan những thông tin kê khai trên là đúng sự thật và chịu trách nhiệm trước pháp luật về tính "
    "chính xác, hợp pháp của hồ sơ, giấy tờ đã nộp.":
        "I declare that the information above is true, and I answer before the law for the accuracy and "
        "legality of the dossier and the documents submitted.",
    "Thủ tục mức độ 2: tải biểu mẫu về, điền và nộp trực tiếp tại bộ phận một cửa.":
        "Level 2 procedure: download the forms, fill them in and hand them in at the one-stop desk.",
    "Hồ sơ này đã được nộp (biểu mẫu được gửi hai lần); dưới đây là phiếu của lần nộp đầu tiên, không có hồ sơ "
    "thứ hai nào được tạo.":
        "This dossier was already submitted (the form was sent twice); below is the receipt of the first "
        "submission, no second dossier was created.",
    # receipt
    "Đã nộp hồ sơ": "Dossier submitted",
    "Hãy ghi lại mã này để tra cứu và để ghi trên giấy tờ gửi qua bưu chính.":
        "Keep this code to look the dossier up and to mark any papers you post.",
    "Thời điểm nộp": "Submitted at",
    "Giấy tờ đã nộp": "Documents submitted",
    "có chữ ký số": "digitally signed",
    "Không có tệp đính kèm": "No attached file",
    "Cần gửi thêm bản sao có chứng thực": "Certified copies must also be posted",
    "Các giấy tờ sau không có chữ ký số. Hãy gửi bản sao có chứng thực của chúng qua bưu chính tới {agency}, "
    "ghi rõ mã hồ sơ {code} trên phong bì và trên từng giấy tờ:":
        "The following documents carry no digital signature. Post certified copies of them to {agency}, with "
        "the dossier code {code} on the envelope and on each document:",
    "Bộ phận một cửa sẽ kiểm tra hồ sơ; khi hồ sơ được tiếp nhận, bạn nhận phiếu hẹn trả kết quả qua thư điện "
    "tử và trong mục Hồ sơ của tôi.":
        "The one-stop desk will check the dossier; once it is accepted you receive the appointment receipt by "
        "e-mail and under My dossiers.",
    "Theo dõi hồ sơ": "Follow the dossier",
    # my dossiers
    "cần bổ sung": "supplement needed",
    "Bạn chưa nộp hồ sơ nào.": "You have not submitted any dossier.",
    "Tìm thủ tục để nộp": "Find a procedure",
    "Cơ quan yêu cầu bổ sung hồ sơ": "The agency asks for more documents",
    "Tải lên giấy tờ được yêu cầu; mỗi giấy tờ một tệp PDF, JPEG hoặc PNG.":
        "Upload the documents asked for; one PDF, JPEG or PNG file per document.",
    "Gửi hồ sơ bổ sung": "Send the supplement",
    "Kết quả giải quyết": "Result",
    "Tải kết quả": "Download the result",
    "Quá trình giải quyết": "Progress",
    "Thông báo": "Notice",
    "đã xong": "done",
    "Đang ở bước": "Current step",
    "Đã nộp hồ sơ trực tuyến": "Submitted online",
    "Đã gửi hồ sơ bổ sung": "Supplement sent",
    "Hồ sơ được tiếp nhận": "Dossier accepted",
    "Hồ sơ không được giải quyết": "Dossier refused",
    "Đã giải quyết xong": "Processing finished",
    "Đã trả kết quả": "Result returned",
    "Rút hồ sơ": "Withdraw the dossier",
    "Sơ đồ quy trình": "Process diagram",
    "Sơ đồ quy trình của thủ tục; các bước đã xong và bước đang thực hiện được tô màu.":
        "The procedure's process diagram; finished and current steps are coloured.",
    "Bước đang thực hiện": "Current step",
    "Không còn bước nào đang chờ xử lý.": "No step is waiting any more.",
    "Đang chờ bạn bổ sung hồ sơ.": "Waiting for your supplement.",
    "Đánh giá việc giải quyết hồ sơ": "Rate how your dossier was handled",
    "Mức độ hài lòng (1 = rất không hài lòng, 5 = rất hài lòng)":
        "Satisfaction (1 = very dissatisfied, 5 = very satisfied)",
    "Ý kiến (không bắt buộc)": "Comment (optional)",
    "Gửi đánh giá": "Send the rating",
    "Đánh giá của bạn": "Your rating",
    "{n}/5 sao": "{n}/5 stars",
    "Lý do rút hồ sơ (không bắt buộc)": "Reason for withdrawing (optional)",
    "Tôi muốn rút hồ sơ này; cơ quan sẽ dừng giải quyết và không thể hoàn tác.":
        "I want to withdraw this dossier; the agency stops processing it and this cannot be undone.",
    "Đã gửi hồ sơ bổ sung; cơ quan sẽ kiểm tra lại.": "Supplement sent; the agency will check it again.",
    "Hãy đánh dấu ô xác nhận rút hồ sơ.": "Tick the box to confirm the withdrawal.",
    "Đã rút hồ sơ. Cơ quan giải quyết đã được thông báo.": "Dossier withdrawn. The agency has been told.",
    "Cảm ơn bạn đã đánh giá.": "Thank you for your rating.",
    # errors
    "Lời cam đoan": "Declaration",
    "Mức độ hài lòng": "Satisfaction",
    "Ý kiến": "Comment",
    "Lý do rút hồ sơ": "Reason for withdrawing",
    "Liên kết": "Link",
    "Tệp gửi lên quá lớn: mỗi tệp tối đa {file_mb} MB, cả lần gửi tối đa {total_mb} MB. Chưa có gì được lưu; "
    "hãy thu nhỏ tệp (quét ở độ phân giải thấp hơn) rồi gửi lại.":
        "The upload is too large: at most {file_mb} MB per file and {total_mb} MB per submission. Nothing was "
        "stored; make the files smaller (scan at a lower resolution) and send again.",
}
