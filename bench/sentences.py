"""Sentence splitting: tracuu's splitter against underthesea's sent_tokenize on hand-labelled Vietnamese cases.

    pip install underthesea   # benchmark only, not a tracuu dependency
    python bench/sentences.py

Each case is a list of gold sentences; the text is them joined by one space (or a line break where the case
says so). A case counts as right when the splitter returns exactly the gold sentences.
"""
from __future__ import annotations

import sys

from tracuu.text.sentences import split_sentences

CASES: list[list[str]] = [
    ["Sáng 22/4, Thành ủy Hà Nội tổ chức hội nghị trực tuyến.", "Các đại biểu dự đông đủ."],
    ["TP. Hà Nội có 30 quận, huyện, thị xã.", "Dân số khoảng 8,5 triệu người."],
    ["PGS.TS. Nguyễn Văn A phát biểu tại hội nghị.", "Hội nghị bế mạc lúc 17 giờ."],
    ["Tuổi thọ trung bình đạt khoảng 74,5 tuổi.", "Tỉ lệ đô thị hoá khoảng 45%."],
    ["Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.", "Kết luận số 69-KL/TW ngày 11/01/2024."],
    ["Ngân sách năm 2025 đạt 1.000 tỷ đồng.", "Năm 2026 tăng 10%."],
    ["Tổng Bí thư đánh giá: “Những kết quả đạt được là to lớn và quan trọng.”", "Hội nghị tiếp tục làm việc."],
    ["Đồng chí nhấn mạnh: phải đề cao tinh thần tự học; tự nghiên cứu.", "Đó là yêu cầu bắt buộc."],
    ["Các nội dung gồm: khoa học, công nghệ, v.v. và nhiều lĩnh vực khác.", "Bộ Khoa học và Công nghệ chủ trì."],
    ["Có thật vậy không?", "Đúng vậy!", "Hội nghị thống nhất cao."],
    ["Số 15-NQ/TU của Thành ủy đã ban hành.", "Các cấp ủy triển khai thực hiện."],
    ["Điều 5. Giải thích từ ngữ", "Trong Luật này, các từ ngữ dưới đây được hiểu như sau."],
    ["Th.S Trần Thị B trình bày tham luận.", "Ý kiến được đánh giá cao."],
    ["Giá trị đạt 2,5 lần so với năm 2020.", "Đây là mức cao nhất."],
    ["Ông Tô Lâm, Tổng Bí thư, chủ trì Phiên họp.", "Thủ tướng Phạm Minh Chính dự."],
    ["Đến năm 2030, Việt Nam thuộc nhóm 3 nước dẫn đầu Đông Nam Á.", "Đến năm 2045, trở thành nước phát triển."],
    ["Xem Điều 38 Luật Tố tụng hành chính.", "Thẩm phán có nhiệm vụ, quyền hạn quy định tại đó."],
    ["Hội nghị lần thứ 6 BCH TW khóa XI ban hành Nghị quyết.", "Nghị quyết có hiệu lực từ ngày ký."],
    ["Kinh phí chi cho R&D đạt 2% GDP.", "Trong đó kinh phí từ xã hội chiếm hơn 60%."],
    ["Ngày 01-10-1997, Ban Chấp hành Trung ương ra nghị quyết.", "Nghị quyết được quán triệt sâu rộng."],
    ["UBND TP. Hồ Chí Minh báo cáo kết quả.", "HĐND thành phố giám sát."],
    ["Tỷ lệ đạt 95 - 100%.", "Mục tiêu được hoàn thành."],
    ["Chương trình gồm 10 nội dung...", "Nội dung thứ nhất là xây dựng Đảng."],
    ["Đ/c Nguyễn Văn C, Bí thư Huyện ủy, phát biểu.", "Đ/c đề nghị tăng cường kiểm tra."],
    ["Tr. 15 của văn bản ghi rõ thời hạn.", "Thời hạn là tháng 6/2025."],
]
JOINED_BY_NEWLINE = {11}  # "Điều 5. Giải thích từ ngữ" is a heading line


def text_of(i: int, case: list[str]) -> str:
    return ("\n" if i in JOINED_BY_NEWLINE else " ").join(case)


def ours(text: str) -> list[str]:
    return [text[a:b] for a, b in split_sentences(text)]


def main() -> int:
    try:
        from underthesea import sent_tokenize
    except ImportError:
        sent_tokenize = None
    systems = {"tracuu": ours}
    if sent_tokenize:
        systems["underthesea"] = lambda text: [s.strip() for s in sent_tokenize(text) if s.strip()]
    print("| system | cases right | of |")
    print("|---|---|---|")
    wrong: dict[str, list[int]] = {}
    for name, split in systems.items():
        bad = [i for i, case in enumerate(CASES) if split(text_of(i, case)) != case]
        wrong[name] = bad
        print(f"| {name} | {len(CASES) - len(bad)} | {len(CASES)} |")
    for name, bad in wrong.items():
        for i in bad:
            print(f"\n{name} case {i}: {systems[name](text_of(i, CASES[i]))}")
    return 0 if not wrong["tracuu"] else 1


if __name__ == "__main__":
    sys.exit(main())
