#!/usr/bin/env python3
"""A benchmark catalogue of N procedures (default 5,000) for `motcua import procedures`.

Usage: bench/portal/gen_procedures.py [--count 5000] [--seed 1] [--source data/procedures.json] > FILE

The real procedures of data/procedures.json come first, unchanged. The rest are made
from them: every generated procedure copies a real one of the same kind of receiving
agency (its level, agency text, agency kinds, processing time and workflow, so the
workflow still fits the legal time and the demo agencies can receive it) and gets a
plausible name of the national catalogue's shape: a verb ("Cấp", "Cấp lại", "Gia hạn",
"Đăng ký thay đổi", ...), an object of a field ("giấy phép xây dựng", "giấy chứng nhận
quyền sử dụng đất", ...), sometimes a qualifier ("có yếu tố nước ngoài", "đối với tổ
chức", ...); real names are also varied the same way ("Đăng ký khai sinh lưu động").
Generated entries are marked "sample": true with a note, and get codes in the national
format (1.0xxxxx, 2.00xxxx, 3.000xxx) that do not collide with the real ones.
Deterministic for a given seed.
"""
import argparse
import copy
import json
import random
import sys

# Fields by the kind of agency that receives them, with objects of procedures in each.
# (kind group, field, [objects], legal basis, result noun)
FIELDS = [
    ("commune", "Hộ tịch", ["khai sinh", "kết hôn", "khai tử", "nhận cha, mẹ, con", "giám hộ", "thay đổi, cải chính hộ tịch",
                            "xác định lại dân tộc", "chấm dứt giám hộ",
                            "khai sinh cho người đã có hồ sơ, giấy tờ cá nhân", "giám sát việc giám hộ"],
     "Luật Hộ tịch 2014; Nghị định 123/2015/NĐ-CP", "Trích lục"),
    ("commune", "Chứng thực", ["bản sao từ bản chính", "chữ ký", "hợp đồng, giao dịch liên quan đến tài sản là động sản",
                               "hợp đồng, giao dịch liên quan đến thực hiện quyền của người sử dụng đất", "di chúc",
                               "văn bản thỏa thuận phân chia di sản", "văn bản khai nhận di sản", "chữ ký người dịch",
                               "việc sửa đổi, bổ sung, hủy bỏ hợp đồng, giao dịch"],
     "Nghị định 23/2015/NĐ-CP; Thông tư 01/2020/TT-BTP", "Bản chứng thực"),
    ("commune", "Đất đai", ["giấy chứng nhận quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất", "biến động đất đai",
                            "chuyển mục đích sử dụng đất", "tách thửa, hợp thửa đất", "hòa giải tranh chấp đất đai",
                            "giao đất, cho thuê đất", "gia hạn sử dụng đất", "đính chính giấy chứng nhận quyền sử dụng đất",
                            "thu hồi đất", "xác nhận tiếp tục sử dụng đất nông nghiệp"],
     "Luật Đất đai 2024; Nghị định 101/2024/NĐ-CP", "Giấy chứng nhận"),
    ("commune", "Bảo trợ xã hội", ["trợ cấp xã hội hằng tháng", "hỗ trợ kinh phí chăm sóc, nuôi dưỡng", "trợ giúp xã hội khẩn cấp",
                                   "hỗ trợ chi phí mai táng", "xác định mức độ khuyết tật", "cấp giấy xác nhận khuyết tật",
                                   "hộ nghèo, hộ cận nghèo", "nhận chăm sóc, nuôi dưỡng đối tượng cần bảo vệ khẩn cấp"],
     "Nghị định 20/2021/NĐ-CP; Luật Người khuyết tật 2010", "Quyết định"),
    ("commune", "Người có công", ["trợ cấp ưu đãi người có công với cách mạng", "trợ cấp một lần", "hỗ trợ cải thiện nhà ở",
                                  "bảo hiểm y tế cho người có công", "trợ cấp thờ cúng liệt sĩ", "di chuyển hài cốt liệt sĩ",
                                  "xác nhận thân nhân liệt sĩ"],
     "Pháp lệnh Ưu đãi người có công với cách mạng 2020; Nghị định 131/2021/NĐ-CP", "Quyết định"),
    ("commune", "Giáo dục mầm non", ["thành lập nhóm trẻ, lớp mẫu giáo độc lập", "hoạt động giáo dục nhóm trẻ",
                                     "sáp nhập, chia, tách trường mầm non", "hỗ trợ học tập cho trẻ mẫu giáo", "miễn, giảm học phí"],
     "Luật Giáo dục 2019; Nghị định 125/2024/NĐ-CP", "Quyết định"),
    ("commune", "Văn hóa cơ sở", ["thư viện cộng đồng", "lễ hội truyền thống", "gia đình văn hóa", "biểu diễn nghệ thuật",
                                  "quảng cáo bằng băng rôn", "điểm cung cấp dịch vụ trò chơi điện tử công cộng"],
     "Luật Văn hóa; Nghị định 110/2018/NĐ-CP", "Văn bản"),
    ("commune", "Nông nghiệp và phát triển nông thôn", ["hỗ trợ khắc phục thiệt hại do thiên tai", "kinh tế trang trại",
                                                          "hỗ trợ giống cây trồng", "khai thác thủy sản", "cơ sở chăn nuôi",
                                                          "khai thác gỗ rừng trồng", "hợp tác xã nông nghiệp"],
     "Luật Trồng trọt 2018; Luật Chăn nuôi 2018; Nghị định 02/2017/NĐ-CP", "Giấy xác nhận"),
    ("commune", "Thi đua, khen thưởng", ["khen thưởng thành tích thực hiện nhiệm vụ", "khen thưởng đột xuất",
                                         "khen thưởng cho gia đình", "danh hiệu Lao động tiên tiến", "khen thưởng theo chuyên đề"],
     "Luật Thi đua, khen thưởng 2022; Nghị định 98/2023/NĐ-CP", "Quyết định"),
    ("commune", "Tôn giáo", ["sinh hoạt tôn giáo tập trung", "hoạt động tín ngưỡng", "người đại diện nhóm sinh hoạt tôn giáo",
                             "quyên góp ngoài phạm vi cơ sở tín ngưỡng", "tổ chức lễ hội tín ngưỡng"],
     "Luật Tín ngưỡng, tôn giáo 2016; Nghị định 95/2023/NĐ-CP", "Văn bản chấp thuận"),
    ("commune", "Thành lập và hoạt động của hộ kinh doanh", ["hộ kinh doanh", "thay đổi nội dung đăng ký hộ kinh doanh",
                                                              "tạm ngừng kinh doanh", "chấm dứt hoạt động hộ kinh doanh",
                                                              "giấy chứng nhận đăng ký hộ kinh doanh"],
     "Nghị định 01/2021/NĐ-CP", "Giấy chứng nhận đăng ký hộ kinh doanh"),
    ("commune", "Hoạt động xây dựng", ["giấy phép xây dựng nhà ở riêng lẻ", "giấy phép sửa chữa, cải tạo", "giấy phép di dời công trình",
                                       "giấy phép xây dựng có thời hạn", "thông báo khởi công xây dựng"],
     "Luật Xây dựng 2014 sửa đổi 2020; Nghị định 175/2024/NĐ-CP", "Giấy phép xây dựng"),
    ("commune", "Môi trường", ["kế hoạch bảo vệ môi trường", "đăng ký môi trường", "thu gom chất thải rắn sinh hoạt",
                               "xả nước thải vào nguồn nước"],
     "Luật Bảo vệ môi trường 2020; Nghị định 08/2022/NĐ-CP", "Văn bản"),
    ("police", "Đăng ký, quản lý cư trú", ["thường trú", "tạm trú", "tạm vắng", "lưu trú", "tách hộ", "điều chỉnh thông tin về cư trú",
                                           "xác nhận thông tin về cư trú", "xóa đăng ký tạm trú"],
     "Luật Cư trú 2020; Nghị định 154/2024/NĐ-CP", "Thông báo"),
    ("police", "Căn cước", ["thẻ căn cước", "giấy chứng nhận căn cước", "xác nhận số chứng minh nhân dân", "căn cước điện tử",
                            "tích hợp thông tin vào thẻ căn cước"],
     "Luật Căn cước 2023; Nghị định 70/2024/NĐ-CP", "Thẻ căn cước"),
    ("police", "Đăng ký, quản lý phương tiện giao thông", ["xe mô tô, xe gắn máy", "biển số xe", "xe máy chuyên dùng",
                                                            "chứng nhận đăng ký xe", "thu hồi đăng ký, biển số xe"],
     "Luật Trật tự, an toàn giao thông đường bộ 2024; Thông tư 79/2024/TT-BCA", "Chứng nhận đăng ký xe"),
    ("police", "Phòng cháy, chữa cháy", ["phương án chữa cháy của cơ sở", "kiểm tra an toàn phòng cháy, chữa cháy",
                                         "huấn luyện nghiệp vụ phòng cháy, chữa cháy"],
     "Luật Phòng cháy, chữa cháy và cứu nạn, cứu hộ 2024", "Văn bản"),
    ("province", "Thành lập và hoạt động doanh nghiệp", ["công ty trách nhiệm hữu hạn hai thành viên trở lên", "doanh nghiệp tư nhân",
                                                          "công ty hợp danh", "chi nhánh, văn phòng đại diện", "địa điểm kinh doanh",
                                                          "thay đổi người đại diện theo pháp luật", "tăng vốn điều lệ",
                                                          "giải thể doanh nghiệp", "tạm ngừng kinh doanh của doanh nghiệp",
                                                          "chuyển đổi loại hình doanh nghiệp"],
     "Luật Doanh nghiệp 2020; Nghị định 168/2025/NĐ-CP", "Giấy chứng nhận đăng ký doanh nghiệp"),
    ("province", "Lao động, việc làm", ["giấy phép lao động cho người nước ngoài", "trợ cấp thất nghiệp", "giấy phép cho thuê lại lao động",
                                        "giấy phép dịch vụ việc làm", "thỏa ước lao động tập thể", "nội quy lao động"],
     "Bộ luật Lao động 2019; Luật Việc làm 2013; Nghị định 152/2020/NĐ-CP", "Giấy phép"),
    ("province", "Y tế", ["chứng chỉ hành nghề khám bệnh, chữa bệnh", "giấy phép hoạt động cơ sở khám bệnh, chữa bệnh",
                          "chứng chỉ hành nghề dược", "giấy chứng nhận đủ điều kiện kinh doanh dược",
                          "giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm", "công bố sản phẩm thực phẩm",
                          "giấy phép quảng cáo mỹ phẩm", "phòng khám đa khoa", "nhà thuốc"],
     "Luật Khám bệnh, chữa bệnh 2023; Luật Dược 2016; Luật An toàn thực phẩm 2010", "Giấy phép"),
    ("province", "Giáo dục và đào tạo", ["trường trung học phổ thông", "trung tâm ngoại ngữ, tin học", "hoạt động giáo dục kỹ năng sống",
                                         "văn bằng, chứng chỉ", "bản sao văn bằng tốt nghiệp", "du học tự túc", "dạy thêm, học thêm",
                                         "công nhận trường đạt chuẩn quốc gia"],
     "Luật Giáo dục 2019; Nghị định 125/2024/NĐ-CP", "Quyết định"),
    ("province", "Giao thông vận tải", ["giấy phép lái xe", "giấy phép kinh doanh vận tải bằng xe ô tô", "phù hiệu xe ô tô kinh doanh vận tải",
                                        "giấy phép thi công công trình đường bộ", "đấu nối vào quốc lộ", "phương tiện thủy nội địa",
                                        "giấy phép đào tạo lái xe"],
     "Luật Đường bộ 2024; Nghị định 158/2024/NĐ-CP", "Giấy phép"),
    ("province", "Công thương", ["giấy phép bán lẻ rượu", "giấy phép bán buôn sản phẩm thuốc lá", "giấy chứng nhận đủ điều kiện cửa hàng bán lẻ xăng dầu",
                                 "giấy phép kinh doanh khí", "văn phòng đại diện thương nhân nước ngoài", "khuyến mại",
                                 "hội chợ, triển lãm thương mại", "giấy phép hoạt động điện lực"],
     "Luật Thương mại 2005; Nghị định 98/2020/NĐ-CP", "Giấy phép"),
    ("province", "Tài nguyên nước", ["giấy phép khai thác nước dưới đất", "giấy phép khai thác nước mặt", "giấy phép xả nước thải vào nguồn nước",
                                     "giấy phép hành nghề khoan nước dưới đất"],
     "Luật Tài nguyên nước 2023; Nghị định 54/2024/NĐ-CP", "Giấy phép"),
    ("province", "Khoa học và công nghệ", ["giấy chứng nhận hoạt động khoa học và công nghệ", "chuyển giao công nghệ",
                                           "giấy phép tiến hành công việc bức xạ", "chứng chỉ nhân viên bức xạ", "hợp chuẩn, hợp quy"],
     "Luật Khoa học và công nghệ 2013; Luật Năng lượng nguyên tử 2008", "Giấy chứng nhận"),
    ("province", "Văn hóa, thể thao và du lịch", ["giấy phép kinh doanh dịch vụ lữ hành nội địa", "thẻ hướng dẫn viên du lịch",
                                                  "cơ sở lưu trú du lịch", "giấy phép tổ chức biểu diễn nghệ thuật", "câu lạc bộ thể thao chuyên nghiệp",
                                                  "giấy chứng nhận đủ điều kiện kinh doanh hoạt động thể thao", "bảo tàng ngoài công lập",
                                                  "di vật, cổ vật"],
     "Luật Du lịch 2017; Luật Thể dục, thể thao 2006 sửa đổi 2018", "Giấy phép"),
    ("province", "Luật sư", ["chi nhánh của tổ chức hành nghề luật sư", "người tập sự hành nghề luật sư",
                             "công ty luật nước ngoài", "thay đổi nội dung đăng ký hoạt động của tổ chức hành nghề luật sư"],
     "Luật Luật sư 2006 sửa đổi 2012", "Giấy đăng ký hoạt động"),
    ("province", "Công chứng", ["văn phòng công chứng", "công chứng viên", "hợp nhất, sáp nhập văn phòng công chứng", "thẻ công chứng viên"],
     "Luật Công chứng 2024", "Quyết định"),
    ("province", "Quản lý xuất nhập cảnh", ["hộ chiếu phổ thông", "thị thực cho người nước ngoài", "thẻ tạm trú cho người nước ngoài",
                                            "giấy thông hành", "thẻ thường trú cho người nước ngoài"],
     "Luật Xuất cảnh, nhập cảnh của công dân Việt Nam 2019; Luật Nhập cảnh, xuất cảnh, quá cảnh, cư trú của người nước ngoài", "Hộ chiếu"),
    ("province", "Lý lịch tư pháp", ["Phiếu lý lịch tư pháp số 1", "Phiếu lý lịch tư pháp số 2", "Phiếu lý lịch tư pháp qua ứng dụng VNeID"],
     "Luật Lý lịch tư pháp 2009", "Phiếu lý lịch tư pháp"),
    ("province", "Tài chính doanh nghiệp", ["định giá tài sản", "mã số đơn vị có quan hệ với ngân sách", "thẩm định giá",
                                            "quyết toán vốn đầu tư dự án hoàn thành"],
     "Luật Ngân sách nhà nước 2015; Luật Giá 2023", "Văn bản"),
    ("province", "Đầu tư tại Việt Nam", ["chủ trương đầu tư", "giấy chứng nhận đăng ký đầu tư", "điều chỉnh dự án đầu tư",
                                         "góp vốn, mua cổ phần của nhà đầu tư nước ngoài", "chấm dứt hoạt động dự án đầu tư"],
     "Luật Đầu tư 2020; Nghị định 31/2021/NĐ-CP", "Giấy chứng nhận đăng ký đầu tư"),
    ("province", "Nội vụ", ["hội có phạm vi hoạt động trong tỉnh", "quỹ xã hội, quỹ từ thiện", "điều lệ hội",
                            "tuyển dụng công chức", "nâng ngạch công chức"],
     "Nghị định 126/2024/NĐ-CP; Nghị định 93/2019/NĐ-CP", "Quyết định"),
]

# Verbs that go with each field's objects (the national catalogue's usual pairs).
FIELD_VERBS = {
    "Hộ tịch": ["Đăng ký", "Đăng ký lại", "Cấp bản sao trích lục", "Ghi vào sổ hộ tịch việc", "Xác nhận"],
    "Chứng thực": ["Chứng thực", "Cấp bản sao có chứng thực"],
    "Đất đai": ["Đăng ký", "Cấp", "Cấp lại", "Cấp đổi", "Xác nhận", "Giải quyết", "Đính chính", "Gia hạn"],
    "Bảo trợ xã hội": ["Giải quyết", "Thôi hưởng", "Điều chỉnh", "Xét duyệt", "Công nhận", "Cấp đổi", "Hỗ trợ"],
    "Người có công": ["Giải quyết", "Giải quyết chế độ", "Điều chỉnh", "Xác nhận", "Hỗ trợ", "Thôi hưởng"],
    "Giáo dục mầm non": ["Cho phép", "Cho phép hoạt động", "Đăng ký", "Giải quyết", "Công nhận"],
    "Văn hóa cơ sở": ["Đăng ký", "Công nhận", "Thông báo", "Cấp giấy phép", "Xét tặng danh hiệu"],
    "Nông nghiệp và phát triển nông thôn": ["Xác nhận", "Hỗ trợ", "Đăng ký", "Cấp", "Công nhận"],
    "Thi đua, khen thưởng": ["Tặng", "Xét tặng", "Đề nghị", "Công nhận"],
    "Tôn giáo": ["Đăng ký", "Thông báo", "Chấp thuận", "Đề nghị"],
    "Thành lập và hoạt động của hộ kinh doanh": ["Đăng ký", "Đăng ký thành lập", "Thông báo", "Cấp lại", "Đăng ký thay đổi"],
    "Hoạt động xây dựng": ["Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Thẩm định"],
    "Môi trường": ["Đăng ký", "Xác nhận", "Thẩm định", "Cấp", "Điều chỉnh"],
    "Đăng ký, quản lý cư trú": ["Đăng ký", "Khai báo", "Xác nhận", "Điều chỉnh", "Xóa đăng ký", "Gia hạn"],
    "Căn cước": ["Cấp", "Cấp đổi", "Cấp lại", "Xác nhận", "Điều chỉnh", "Khôi phục"],
    "Đăng ký, quản lý phương tiện giao thông": ["Đăng ký", "Cấp", "Cấp đổi", "Cấp lại", "Thu hồi", "Đăng ký sang tên"],
    "Phòng cháy, chữa cháy": ["Phê duyệt", "Thẩm định", "Kiểm tra", "Cấp chứng nhận"],
    "Thành lập và hoạt động doanh nghiệp": ["Đăng ký", "Đăng ký thành lập", "Thông báo", "Đăng ký thay đổi", "Cấp lại", "Hiệu đính"],
    "Lao động, việc làm": ["Cấp", "Cấp lại", "Gia hạn", "Thu hồi", "Đăng ký", "Giải quyết", "Xác nhận"],
    "Y tế": ["Cấp", "Cấp lại", "Điều chỉnh", "Gia hạn", "Thu hồi", "Công bố", "Cho phép hoạt động"],
    "Giáo dục và đào tạo": ["Cho phép", "Cho phép hoạt động", "Cấp", "Chỉnh sửa", "Công nhận", "Thành lập", "Sáp nhập, chia, tách"],
    "Giao thông vận tải": ["Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Thu hồi", "Chấp thuận", "Đăng ký"],
    "Công thương": ["Cấp", "Cấp lại", "Cấp sửa đổi, bổ sung", "Gia hạn", "Thu hồi", "Đăng ký", "Thông báo"],
    "Tài nguyên nước": ["Cấp", "Cấp lại", "Gia hạn", "Điều chỉnh", "Trả lại", "Thẩm định"],
    "Khoa học và công nghệ": ["Cấp", "Cấp lại", "Gia hạn", "Đăng ký", "Công bố", "Thẩm định"],
    "Văn hóa, thể thao và du lịch": ["Cấp", "Cấp lại", "Cấp đổi", "Công nhận", "Thu hồi", "Xếp hạng"],
    "Luật sư": ["Đăng ký hoạt động", "Đăng ký thay đổi", "Thành lập", "Chấm dứt hoạt động", "Đăng ký"],
    "Công chứng": ["Thành lập", "Đăng ký hoạt động", "Cấp", "Cấp lại", "Chuyển nhượng", "Thu hồi"],
    "Quản lý xuất nhập cảnh": ["Cấp", "Cấp lại", "Cấp đổi", "Gia hạn", "Khôi phục giá trị sử dụng", "Trình báo mất"],
    "Lý lịch tư pháp": ["Cấp", "Cấp lại", "Đính chính", "Cập nhật thông tin"],
    "Tài chính doanh nghiệp": ["Đăng ký", "Thẩm định", "Phê duyệt", "Cấp", "Xác nhận"],
    "Đầu tư tại Việt Nam": ["Chấp thuận", "Cấp", "Điều chỉnh", "Gia hạn", "Chấm dứt", "Đăng ký"],
    "Nội vụ": ["Thành lập", "Phê duyệt", "Công nhận", "Cho phép", "Giải thể", "Đổi tên"],
}

# Qualifiers by the kind of agency (empty most of the time).
QUALIFIERS = {
    "commune": ["", "", "", "", "", " có yếu tố nước ngoài", " lưu động", " cho người Việt Nam định cư ở nước ngoài",
                " cho hộ gia đình", " đối với cá nhân", " trong trường hợp bị mất, hư hỏng", " trên môi trường điện tử",
                " cho trẻ em dưới 6 tuổi", " do thay đổi thông tin"],
    "police": ["", "", "", "", "", " cho người chưa thành niên", " trên ứng dụng VNeID", " trong trường hợp bị mất, hư hỏng",
               " do thay đổi thông tin", " cho người nước ngoài", " tại cơ sở lưu trú"],
    "province": ["", "", "", "", "", " đối với tổ chức", " đối với cá nhân", " cho người nước ngoài", " có vốn đầu tư nước ngoài",
                 " tại khu kinh tế, khu công nghiệp", " đối với doanh nghiệp nhỏ và vừa", " khi hết hạn",
                 " trong trường hợp bị mất, hư hỏng", " do thay đổi thông tin", " theo thủ tục rút gọn", " trên môi trường điện tử"],
}

# Real names varied as the national catalogue does.
REAL_VARIANTS = [" có yếu tố nước ngoài", " lưu động", " kết hợp đăng ký nhận cha, mẹ, con", " cho người đã có hồ sơ, giấy tờ cá nhân",
                 " tại cơ quan đại diện", " trên Cổng dịch vụ công quốc gia", " (trường hợp đặc biệt)"]
REAL_PREFIXES = ["Cấp lại ", "Điều chỉnh nội dung ", "Hủy kết quả ", "Cấp bản sao kết quả "]

GENERIC_DOCS = [
    ("Giấy tờ tùy thân của người nộp hồ sơ (thẻ căn cước hoặc hộ chiếu)", "shown"),
    ("Giấy ủy quyền (trường hợp nộp thay)", "original"),
    ("Bản sao giấy chứng nhận đăng ký doanh nghiệp", "copy"),
    ("Văn bản chấp thuận của cơ quan có thẩm quyền", "copy"),
    ("Bản vẽ, sơ đồ vị trí", "original"),
    ("Giấy xác nhận của Ủy ban nhân dân cấp xã", "original"),
    ("Bản sao văn bằng, chứng chỉ chuyên môn", "copy"),
    ("Giấy khám sức khỏe", "original"),
    ("Ảnh 4x6 cm chụp không quá 6 tháng", "original"),
    ("Kết quả đã cấp trước đây (nếu có)", "original"),
    ("Báo cáo tình hình hoạt động", "original"),
    ("Biên lai nộp phí, lệ phí", "copy"),
]


def lower_first(s):
    return s[:1].lower() + s[1:] if s and not s[:2].isupper() else s


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=5000, help="procedures in the file, real ones included (default 5000)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--source", default="data/procedures.json")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    real = json.load(open(args.source, encoding="utf-8"))["procedures"]

    # Templates by the kind of agency that receives: their level, agency text and kinds,
    # processing time and workflow travel together, so validity is kept.
    def group(p):
        kinds = p.get("agency_kinds") or []
        if p["level"] == "tỉnh":
            return "province"
        return "police" if kinds and kinds[0] == "commune_police" else "commune"
    templates = {"commune": [], "police": [], "province": []}
    for p in real:
        templates[group(p)].append(p)

    out = [copy.deepcopy(p) for p in real][: args.count]
    names = {(p["name"], p["level"]) for p in out}
    used_codes = {p["code"] for p in out}

    def new_code():
        while True:
            prefix = rng.choices(["1", "2", "3"], weights=[6, 3, 1])[0]
            n = rng.randrange(1, 13000) if prefix == "1" else rng.randrange(1, 3000) if prefix == "2" else rng.randrange(1, 1000)
            c = f"{prefix}.{n:06d}"
            if c not in used_codes:
                used_codes.add(c)
                return c

    def make(name, field, legal, result, kind):
        t = copy.deepcopy(rng.choice(templates[kind]))
        if (name, t["level"]) in names:
            return None
        names.add((name, t["level"]))
        t["code"] = new_code()
        t["name"] = name
        t["field"] = field
        t["code_status"] = None
        t["confidence"] = None
        t["as_of"] = None
        t["sample"] = True
        t["note"] = "Sinh tự động cho đo tải (bench/portal/gen_procedures.py), không phải dữ liệu thật"
        docs = [{"name": ("Tờ khai " if rng.random() < 0.5 else "Đơn đề nghị ") + lower_first(name), "kind": "original",
                 "count": 1, "mandatory": True, "form": f"Mẫu số {rng.randrange(1, 20):02d}"}]
        for dn, dk in rng.sample(GENERIC_DOCS, rng.randrange(1, 6)):
            docs.append({"name": dn, "kind": dk, "count": rng.choice([1, 1, 1, 2]), "mandatory": rng.random() < 0.8})
        t["documents"] = docs
        fees = []
        if rng.random() < 0.7:
            amount = rng.choice([0, 10000, 20000, 50000, 100000, 150000, 200000, 500000, 1000000, None])
            fee = {"name": rng.choice(["Lệ phí ", "Phí thẩm định "]) + lower_first(name), "amount_vnd": amount}
            if amount and rng.random() < 0.3:
                fee["online_amount_vnd"] = amount // 2
            fees.append(fee)
        t["fees"] = fees
        t["result"] = f"{result} ({lower_first(name)})"
        t["legal_basis"] = legal
        t["online"] = rng.choice(["full", "full", "partial", "none"])
        return t

    by_kind = {}
    for f in FIELDS:
        by_kind.setdefault(f[0], []).append(f)
    # Real names varied: a few hundred of them.
    for p in real:
        kind = group(p)
        for v in REAL_VARIANTS + [None] * 2:
            if len(out) >= args.count or rng.random() < 0.5:
                continue
            name = p["name"] + v if v else rng.choice(REAL_PREFIXES) + lower_first(p["name"])
            t = make(name, p["field"], p["legal_basis"], p["result"].split(" (")[0], kind)
            if t:
                out.append(t)
    # The rest: verb + object + qualifier, fields weighted like a province catalogue
    # (province 60 %, commune 30 %, police 10 %).
    tries = 0
    while len(out) < args.count:
        tries += 1
        if tries > args.count * 200:
            sys.exit(f"could only make {len(out)} distinct names")
        kind = rng.choices(["province", "commune", "police"], weights=[6, 3, 1])[0]
        kind_, field, objects, legal, result = rng.choice(by_kind[kind])
        name = f"{rng.choice(FIELD_VERBS[field])} {rng.choice(objects)}{rng.choice(QUALIFIERS[kind])}"
        t = make(name, field, legal, result, kind)
        if t:
            out.append(t)
    json.dump({"source": f"bench/portal/gen_procedures.py --count {args.count} --seed {args.seed} (from {args.source})",
               "procedures": out}, sys.stdout, ensure_ascii=False, indent=0)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
