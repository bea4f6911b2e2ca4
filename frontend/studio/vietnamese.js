// The modeler's own words (bpmn-js palette and context pad, the properties panel's groups and fields) in
// Vietnamese, when the page is (html lang="vi"). A text not listed here stays as bpmn-js writes it.
const VI = {
  // palette and context pad
  'Activate hand tool': 'Công cụ kéo màn hình',
  'Activate lasso tool': 'Công cụ chọn vùng',
  'Activate create/remove space tool': 'Công cụ thêm/bớt khoảng trống',
  'Activate global connect tool': 'Công cụ nối',
  'Create start event': 'Thêm sự kiện bắt đầu',
  'Create end event': 'Thêm sự kiện kết thúc',
  'Create intermediate/boundary event': 'Thêm sự kiện trung gian/biên',
  'Create gateway': 'Thêm cổng rẽ nhánh',
  'Create task': 'Thêm bước',
  'Create expanded sub-process': 'Thêm quy trình con',
  'Create pool/participant': 'Thêm bể/bên tham gia',
  'Create data object reference': 'Thêm dữ liệu',
  'Create data store reference': 'Thêm kho dữ liệu',
  'Create group': 'Thêm nhóm',
  'Append end event': 'Nối sự kiện kết thúc',
  'Append gateway': 'Nối cổng rẽ nhánh',
  'Append task': 'Nối bước',
  'Append intermediate/boundary event': 'Nối sự kiện trung gian',
  'Append text annotation': 'Nối ghi chú',
  'Add text annotation': 'Thêm ghi chú',
  'Change element': 'Đổi loại phần tử',
  'Change type': 'Đổi loại',
  'Delete': 'Xóa',
  'Connect using sequence/message flow or association': 'Nối bằng luồng hoặc liên kết',
  'Connect to other element': 'Nối tới phần tử khác',
  'Connect using association': 'Nối bằng liên kết',
  'Connect using data input association': 'Nối dữ liệu vào',
  'Add lane above': 'Thêm làn phía trên',
  'Add lane below': 'Thêm làn phía dưới',
  'Divide into two lanes': 'Chia thành hai làn',
  'Divide into three lanes': 'Chia thành ba làn',
  'Search in diagram': 'Tìm trong sơ đồ',
  // element types shown in the panel's header and the replace menu
  'Task': 'Bước', 'User task': 'Bước do cán bộ làm', 'Service task': 'Bước tự động', 'Send task': 'Bước gửi',
  'Receive task': 'Bước nhận', 'Manual task': 'Bước thủ công', 'Script task': 'Bước kịch bản',
  'Business rule task': 'Bước luật nghiệp vụ', 'Call activity': 'Gọi quy trình khác', 'Sub-process': 'Quy trình con',
  'Start event': 'Sự kiện bắt đầu', 'End event': 'Sự kiện kết thúc', 'Exclusive gateway': 'Cổng chọn một nhánh',
  'Parallel gateway': 'Cổng song song', 'Inclusive gateway': 'Cổng chọn nhiều nhánh', 'Event-based gateway': 'Cổng theo sự kiện',
  'Sequence flow': 'Luồng', 'Lane': 'Làn', 'Participant': 'Bên tham gia', 'Process': 'Quy trình',
  'Timer boundary event': 'Hẹn giờ trên biên', 'Timer intermediate catch event': 'Hẹn giờ trung gian',
  'Message boundary event': 'Thông điệp trên biên', 'Message intermediate catch event': 'Chờ thông điệp',
  'Timer start event': 'Bắt đầu theo hẹn giờ', 'Message start event': 'Bắt đầu khi có thông điệp',
  // properties panel: groups
  'General': 'Chung', 'Documentation': 'Mô tả', 'User assignment': 'Giao việc', 'Forms': 'Biểu mẫu',
  'Form fields': 'Trường của biểu mẫu', 'Task listeners': 'Bộ nghe của bước',
  'Asynchronous continuations': 'Chạy tiếp bất đồng bộ', 'Inputs': 'Dữ liệu vào', 'Outputs': 'Dữ liệu ra',
  'Execution listeners': 'Bộ nghe thực thi', 'Extension properties': 'Thuộc tính mở rộng', 'Implementation': 'Cách thực hiện',
  'Timer': 'Hẹn giờ', 'Condition': 'Điều kiện', 'Multi-instance': 'Nhiều lần', 'Called element': 'Quy trình được gọi',
  'Message': 'Thông điệp', 'Job execution': 'Chạy công việc', 'History cleanup': 'Dọn lịch sử', 'Tasklist': 'Danh sách việc',
  'Candidate starter': 'Người được khởi động', 'Error': 'Lỗi', 'Escalation': 'Chuyển cấp', 'Signal': 'Tín hiệu',
  'Link': 'Liên kết', 'Start initiator': 'Người khởi động', 'Script': 'Kịch bản',
  // properties panel: fields
  'Name': 'Tên', 'ID': 'Mã', 'Element documentation': 'Mô tả phần tử', 'Process documentation': 'Mô tả quy trình',
  'Assignee': 'Người được giao', 'Candidate groups': 'Nhóm được nhận', 'Candidate users': 'Người được nhận',
  'Due date': 'Hạn', 'Follow up date': 'Ngày theo dõi', 'Priority': 'Độ ưu tiên', 'Type': 'Loại', 'Label': 'Nhãn',
  'Default value': 'Giá trị mặc định', 'Values': 'Các lựa chọn', 'Value': 'Giá trị', 'Constraints': 'Ràng buộc',
  'Properties': 'Thuộc tính', 'Config': 'Cấu hình', 'Before': 'Trước', 'After': 'Sau', 'Exclusive': 'Loại trừ',
  'Topic': 'Chủ đề', 'External': 'Bên ngoài', 'Date': 'Ngày giờ', 'Duration': 'Khoảng thời gian', 'Cycle': 'Chu kỳ',
  'Executable': 'Chạy được', 'Version tag': 'Nhãn phiên bản', 'Time to live': 'Thời gian lưu', 'Startable': 'Khởi động được',
  'Condition expression': 'Biểu thức điều kiện', 'Condition type': 'Loại điều kiện', 'Expression': 'Biểu thức',
  'Collection': 'Tập hợp', 'Element variable': 'Biến phần tử', 'Completion condition': 'Điều kiện hoàn thành',
  'Loop cardinality': 'Số lần lặp', 'Asynchronous before': 'Bất đồng bộ trước', 'Asynchronous after': 'Bất đồng bộ sau',
  'Global message reference': 'Thông điệp dùng chung', '<none>': '<không>', 'Create new ...': 'Tạo mới…',
  'Generated task form': 'Biểu mẫu tự sinh', 'Camunda Forms': 'Biểu mẫu Camunda',
  'Embedded or External Task Forms': 'Biểu mẫu nhúng hoặc bên ngoài', 'Generated Task Forms': 'Biểu mẫu tự sinh',
  'Form key': 'Khóa biểu mẫu', 'Form reference': 'Tham chiếu biểu mẫu', 'Binding': 'Gắn kết',
  'Initiator': 'Người khởi động', 'Script format': 'Định dạng kịch bản', 'Result variable': 'Biến kết quả',
  'Local variable name': 'Tên biến cục bộ', 'Assignment type': 'Loại gán', 'Process variable name': 'Tên biến quy trình',
  'Retry time cycle': 'Chu kỳ thử lại', 'Variable name': 'Tên biến', 'Event type': 'Loại sự kiện',
  'Listener type': 'Loại bộ nghe', 'Field injections': 'Trường được nạp', 'Fields': 'Trường',
  'Delegate expression': 'Biểu thức ủy quyền', 'Java class': 'Lớp Java', 'Connector': 'Bộ kết nối',
  'Add': 'Thêm', 'Remove': 'Bỏ', 'Open popup': 'Mở cửa sổ', 'Close': 'Đóng',
  // validation of the panel
  'ID must be unique.': 'Mã phải là duy nhất.', 'ID must not be empty.': 'Mã không được để trống.',
  'ID must not contain spaces.': 'Mã không được có dấu cách.',
  'ID must be a valid QName.': 'Mã chỉ gồm chữ, số, dấu gạch dưới và gạch ngang, bắt đầu bằng chữ.',
  'Must be a valid duration.': 'Phải là một khoảng thời gian hợp lệ.',
};

// "User Task" (the panel's header) is found as "User task".
function lookUp(template) {
  if (Object.hasOwn(VI, template)) return VI[template];
  const sentence = template.charAt(0) + template.slice(1).toLowerCase();
  return Object.hasOwn(VI, sentence) ? VI[sentence] : template;
}

export default function vietnameseTranslate(template, replacements = {}) {
  const text = document.documentElement.lang === 'vi' ? lookUp(template) : template;
  return text.replace(/{([^}]+)}/g, (all, key) => (Object.hasOwn(replacements, key) ? replacements[key] : all));
}

export const VietnameseModule = { translate: ['value', vietnameseTranslate] };
