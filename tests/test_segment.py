"""Regression tests for Vietnamese sentence segmentation (issue 3), one per phenomenon.

Expected splits follow the gold conventions 1–8 of shared/README.md. The sentences are written for
these tests (none comes from the development set in shared/segmentation, which is kept for measuring).
"""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from toolkit.segment import segmenter as segment_mod
from toolkit.segment.segmenter import segment_lines, segment_text
from toolkit.segment.rules import GAP_CHARS, prefixes, numbering_labels

DATA = Path(__file__).resolve().parent / "data" / "segment"


def texts(text: str) -> list[str]:
    return [s.text for s in segment_text(text)]


# (id, input, expected segment texts): the id names what the case guards.
INLINE_CASES = [
    ("sentence_end_with_space", "Trời mưa. Đường ngập.", ["Trời mưa.", "Đường ngập."]),
    ("sentence_end_without_space", "Ông sinh năm 1955.Ông mất năm 1990.",
     ["Ông sinh năm 1955.", "Ông mất năm 1990."]),
    ("question_and_exclamation", "Vì sao? Vì trời mưa! Thật sao?!", ["Vì sao?", "Vì trời mưa!", "Thật sao?!"]),
    ("title_TP_before_name", "Ông ở TP. Hồ Chí Minh. Bà ở Huế.", ["Ông ở TP. Hồ Chí Minh.", "Bà ở Huế."]),
    ("title_TP_glued_to_HCM", "Ông sống ở TP.HCM. Bà sống ở Hà Nội.", ["Ông sống ở TP.HCM.", "Bà sống ở Hà Nội."]),
    ("Tp_glued_to_HCM_mid_sentence", "Kinh tế Tp.HCM tăng trưởng. Giá ổn định.",
     ["Kinh tế Tp.HCM tăng trưởng.", "Giá ổn định."]),
    ("compound_title_PGS_TS", "PGS.TS. Nguyễn Văn An phát biểu. GS.TS. Trần Bình đồng ý.",
     ["PGS.TS. Nguyễn Văn An phát biểu.", "GS.TS. Trần Bình đồng ý."]),
    ("title_ThS_BS_and_Th_S", "ThS.BS Lê Chi khám bệnh. Th.S Phạm Dũng giảng dạy. ThS. Hà nói.",
     ["ThS.BS Lê Chi khám bệnh.", "Th.S Phạm Dũng giảng dạy.", "ThS. Hà nói."]),
    ("title_BS_and_TS", "BS. Lan trực đêm. TS. Minh nghiên cứu.", ["BS. Lan trực đêm.", "TS. Minh nghiên cứu."]),
    ("address_letters_Q_and_P", "Nhà ở Q. 1 gần P. Bến Nghé. Ông chuyển về Q. Bình Thạnh.",
     ["Nhà ở Q. 1 gần P. Bến Nghé.", "Ông chuyển về Q. Bình Thạnh."]),
    ("saint_St", "Ông đến St. Petersburg. Sau đó về nước.", ["Ông đến St. Petersburg.", "Sau đó về nước."]),
    ("initials_in_names", "Ông Nguyễn V. A. đã đến. Ông Lê B. cũng vậy.",
     ["Ông Nguyễn V. A. đã đến.", "Ông Lê B. cũng vậy."]),
    ("marked_capital_is_a_word_not_initial", "Họ đến Đông Nam Á. Sau đó về.", ["Họ đến Đông Nam Á.", "Sau đó về."]),
    ("vv_ending_a_sentence", "Có táo, cam v.v. Tuy nhiên giá cao.", ["Có táo, cam v.v.", "Tuy nhiên giá cao."]),
    ("vv_inside_a_sentence", "Có táo, cam v.v. và nhiều loại khác.", ["Có táo, cam v.v. và nhiều loại khác."]),
    ("numeric_only_prefix_before_number", "Xem tr. 25 để biết thêm. Hết.", ["Xem tr. 25 để biết thêm.", "Hết."]),
    ("decimal_comma_and_thousands_dot", "Dân số 1.234,5 nghìn người. Sau đó tăng.",
     ["Dân số 1.234,5 nghìn người.", "Sau đó tăng."]),
    ("number_glued_to_unit", "Biên giới dài 231,7km. Địa hình hiểm trở.", ["Biên giới dài 231,7km.", "Địa hình hiểm trở."]),
    ("dotted_and_dashed_dates", "Ông sinh ngày 8.1.1877 tại Huế. Ngày 9-1-2015 ông mất.",
     ["Ông sinh ngày 8.1.1877 tại Huế.", "Ngày 9-1-2015 ông mất."]),
    ("clock_time_7h30", "Lúc 7h30 sáng. Lúc 8 giờ tối.", ["Lúc 7h30 sáng.", "Lúc 8 giờ tối."]),
    ("sentence_starting_with_a_number", "Tổng cộng 10 người. 5 người đã về.", ["Tổng cộng 10 người.", "5 người đã về."]),
    ("url_dots", "Truy cập https://vnexpress.net/tin-tuc.html để xem. Hết.",
     ["Truy cập https://vnexpress.net/tin-tuc.html để xem.", "Hết."]),
    ("domain_dots_and_final_stop", "Nguồn: bienphong.com.vn. Ảnh minh họa.", ["Nguồn: bienphong.com.vn.", "Ảnh minh họa."]),
    ("email_dots", "Liên hệ: an.nguyen@gmail.com. Xin cảm ơn.", ["Liên hệ: an.nguyen@gmail.com.", "Xin cảm ơn."]),
    ("ellipsis_three_dots_before_capital", "Anh ấy chờ... Rồi anh đi.", ["Anh ấy chờ...", "Rồi anh đi."]),
    ("ellipsis_character_before_capital", "Chị nói… Không ai nghe.", ["Chị nói…", "Không ai nghe."]),
    ("ellipsis_before_lower_case_continues", "Anh ấy chờ... rồi anh đi.", ["Anh ấy chờ... rồi anh đi."]),
    ("omission_ellipsis_in_brackets", "Ông viết (...) Tuy vậy vẫn đúng.", ["Ông viết (...) Tuy vậy vẫn đúng."]),
    ("closing_quote_stays_with_sentence", "Ông nói: “Tôi sẽ đến.” Sau đó ông đi.",
     ["Ông nói: “Tôi sẽ đến.”", "Sau đó ông đi."]),
    ("quotation_of_several_sentences_split_inside", "Ông nói: “Tôi đến. Anh chờ nhé.” Rồi đi.",
     ["Ông nói: “Tôi đến.", "Anh chờ nhé.”", "Rồi đi."]),
    ("closing_bracket_stays_with_sentence", "Ông về (theo báo Tuổi Trẻ.) Bà ở lại.",
     ["Ông về (theo báo Tuổi Trẻ.)", "Bà ở lại."]),
    ("question_in_quotes_before_lower_case", "Anh hỏi \"Có không?\" rồi im lặng.", ["Anh hỏi \"Có không?\" rồi im lặng."]),
    ("dialogue_dash_continues_sentence", "“Tôi đi đây!” – anh nói.", ["“Tôi đi đây!” – anh nói."]),
    ("footnote_marker_after_stop", "Thành phố đổi tên.[1] Hiện nay vẫn dùng.",
     ["Thành phố đổi tên.[1]", "Hiện nay vẫn dùng."]),
    ("footnote_marker_then_stop", "Dân số tăng.[7]. Sau đó giảm.", ["Dân số tăng.[7].", "Sau đó giảm."]),
    ("footnote_marker_before_stop", "Dân số là 3 triệu người[5]. Sau đó giảm.",
     ["Dân số là 3 triệu người[5].", "Sau đó giảm."]),
    ("parenthesis_after_finished_sentence", "Ông ấy đã về. (Ảnh: TTXVN)", ["Ông ấy đã về.", "(Ảnh: TTXVN)"]),
    ("parenthetical_before_final_stop", "Ông ấy về (theo báo Tuổi Trẻ). Bà cũng vậy.",
     ["Ông ấy về (theo báo Tuổi Trẻ).", "Bà cũng vậy."]),
    ("article_label_Dieu", "Điều 1. Phạm vi điều chỉnh. Nghị định này quy định.",
     ["Điều 1. Phạm vi điều chỉnh.", "Nghị định này quy định."]),
    ("numbered_label_at_line_start", "1. Mục thứ nhất gồm hai phần.", ["1. Mục thứ nhất gồm hai phần."]),
    ("letter_label_at_line_start", "A. Phần mở đầu. Phần này ngắn.", ["A. Phần mở đầu.", "Phần này ngắn."]),
    ("inline_numbered_list_after_colon", "Gồm hai việc: 1. Sửa đổi; 2. Bổ sung. Hết.",
     ["Gồm hai việc: 1. Sửa đổi; 2. Bổ sung.", "Hết."]),
    ("number_mid_sentence_ends_sentence", "Sự kiện xảy ra năm 1992. Sau đó ổn định.",
     ["Sự kiện xảy ra năm 1992.", "Sau đó ổn định."]),
    ("english_titles", "Mr. Smith đến Việt Nam. Dr. Lee cũng vậy.", ["Mr. Smith đến Việt Nam.", "Dr. Lee cũng vậy."]),
    ("lower_case_after_stop_continues", "Tỷ lệ là 5. tức là tăng.", ["Tỷ lệ là 5. tức là tăng."]),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in INLINE_CASES], ids=[c[0] for c in INLINE_CASES])
def test_inline_boundary(text, expected):
    assert texts(text) == expected


LAYOUT_CASES = [
    ("headline_and_date_line_without_stop", "Thứ Hai, 4/3/2024\nMưa lớn ở miền Trung\nNhiều nhà bị ngập.",
     ["Thứ Hai, 4/3/2024", "Mưa lớn ở miền Trung", "Nhiều nhà bị ngập."]),
    ("byline_then_lower_case_line", "Lan Anh\ntừ ngày 3 – 5/4/2024\nTTXVN",
     ["Lan Anh", "từ ngày 3 – 5/4/2024", "TTXVN"]),
    ("caption_then_sentence", "Ảnh: Cán bộ biên phòng tuần tra\nĐơn vị đã hoàn thành nhiệm vụ.",
     ["Ảnh: Cán bộ biên phòng tuần tra", "Đơn vị đã hoàn thành nhiệm vụ."]),
    ("bullets_are_segments", "- Gạch đầu dòng một\n- Gạch đầu dòng hai\n• Chấm tròn",
     ["- Gạch đầu dòng một", "- Gạch đầu dòng hai", "• Chấm tròn"]),
    ("list_items_ending_in_semicolon_and_colon",
     "Nghị định này gồm các nội dung sau đây:\na) quyền của người dân;\nb) nghĩa vụ của cơ quan.",
     ["Nghị định này gồm các nội dung sau đây:", "a) quyền của người dân;", "b) nghĩa vụ của cơ quan."]),
    ("numbered_list_items", "1. Mục thứ nhất\n2. Mục thứ hai", ["1. Mục thứ nhất", "2. Mục thứ hai"]),
    ("roman_numbered_headings", "I. Mở đầu\nII. Nội dung", ["I. Mở đầu", "II. Nội dung"]),
    ("article_label_heading_lines", "Điều 1. Phạm vi điều chỉnh\nĐiều 2. Đối tượng áp dụng",
     ["Điều 1. Phạm vi điều chỉnh", "Điều 2. Đối tượng áp dụng"]),
    ("all_caps_headings", "QUỐC HỘI\nLUẬT ĐẤT ĐAI", ["QUỐC HỘI", "LUẬT ĐẤT ĐAI"]),
    ("hard_wrap_before_lower_case_is_joined",
     "Các cơ quan nhà nước khi tiến hành thanh tra doanh\nnghiệp phải theo đúng thẩm quyền.",
     ["Các cơ quan nhà nước khi tiến hành thanh tra doanh\nnghiệp phải theo đúng thẩm quyền."]),
    ("hard_wrap_before_capital_joined_in_wrapped_paragraph",
     "Các cơ quan thanh tra được thành lập theo quyết định của\nChính phủ và hoạt động theo quy định của pháp\nluật hiện hành về thanh tra.",
     ["Các cơ quan thanh tra được thành lập theo quyết định của\nChính phủ và hoạt động theo quy định của pháp\n"
      "luật hiện hành về thanh tra."]),
    ("long_line_before_capital_not_joined_without_wrap_evidence",
     "Cán bộ, chiến sĩ đồn biên phòng giúp nhân dân thu hoạch lúa ở xã vùng cao\nĐơn vị đã hoàn thành nhiệm vụ.",
     ["Cán bộ, chiến sĩ đồn biên phòng giúp nhân dân thu hoạch lúa ở xã vùng cao", "Đơn vị đã hoàn thành nhiệm vụ."]),
    ("hard_wrap_after_abbreviation_is_joined", "Hội nghị diễn ra tại TP.\nHồ Chí Minh vào tháng ba.",
     ["Hội nghị diễn ra tại TP.\nHồ Chí Minh vào tháng ba."]),
    ("full_stop_at_line_end_before_lower_case_line", "Chỉ số giá tăng 0,5%.\nchuyen-muc-kinh-te",
     ["Chỉ số giá tăng 0,5%.", "chuyen-muc-kinh-te"]),
    ("vv_at_line_end_before_lower_case_is_joined", "Có táo, cam, chuối, bưởi, nhãn, vải v.v.\nvà nhiều loại khác.",
     ["Có táo, cam, chuối, bưởi, nhãn, vải v.v.\nvà nhiều loại khác."]),
    ("comma_line_before_capitalised_heading", "Theo đề nghị của Bộ trưởng Bộ Tài chính,\nQUYẾT ĐỊNH:",
     ["Theo đề nghị của Bộ trưởng Bộ Tài chính,", "QUYẾT ĐỊNH:"]),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in LAYOUT_CASES], ids=[c[0] for c in LAYOUT_CASES])
def test_layout(text, expected):
    assert texts(text) == expected


def test_paragraphs_come_from_blank_lines():
    segs = segment_text("Tiêu đề\n\nCâu một. Câu hai.\n \t\u00a0\nCâu ba.")
    assert [(s.para, s.index, s.text) for s in segs] == [
        (0, 0, "Tiêu đề"), (1, 1, "Câu một."), (1, 2, "Câu hai."), (2, 3, "Câu ba.")]


def test_offsets_and_line_numbers_point_into_the_source():
    text = "Dòng một.\n\n  Câu hai. Câu ba được viết khá dài rồi ngắt\ndòng ở giữa câu.\nCâu bốn."
    segs = segment_text(text, doc_id="doc")
    for s in segs:
        assert text[s.start:s.end] == s.text
        assert s.line == text.count("\n", 0, s.start) + 1
        assert s.doc_id == "doc"
    assert [s.line for s in segs] == [1, 3, 3, 5]
    assert segs[2].text == "Câu ba được viết khá dài rồi ngắt\ndòng ở giữa câu."


def test_nfd_input_segments_like_nfc_b12():
    """shared/cases/b12-nfd-input: decomposed input gives the NFC segmentation (3 segments)."""
    nfd = (DATA / "b12_article_nfd.txt").read_text(encoding="utf-8")
    nfc = (DATA / "b12_article_nfc.txt").read_text(encoding="utf-8")
    assert nfd != nfc
    got = segment_text(nfd)
    assert got == segment_text(nfc)
    assert len(got) == 3
    assert all(unicodedata.is_normalized("NFC", s.text) for s in got)


@pytest.mark.parametrize("text", ["", " ", "\n\n\t \u00a0\n", "\u200b\ufeff"], ids=["empty", "space", "blank_lines", "zero_width"])
def test_empty_and_whitespace_only_text_has_no_segments(text):
    assert segment_text(text) == []


def test_crlf_text_is_segmented_like_lf():
    lf = "Tiêu đề\n\nCâu một. Câu hai.\nCâu ba."
    got = segment_text(lf.replace("\n", "\r\n"))
    assert [(s.para, s.text) for s in got] == [(s.para, s.text) for s in segment_text(lf)]


def test_nbsp_tab_and_zero_width_are_gaps_not_text():
    text = "\u00a0\tCâu một.\u00a0Câu hai.\u200b"
    assert texts(text) == ["Câu một.", "Câu hai."]


def test_single_200kb_line_is_segmented():
    line = "Đây là một câu khá dài của bài báo. " * 5600  # about 200 KB
    segs = segment_text(line)
    assert len(segs) == 5600
    assert segs[-1].end == len(line.rstrip())


def test_huge_paragraph_is_flushed_at_a_break_with_the_same_result(monkeypatch):
    lines = [f"Câu số {i} của một đoạn không có dòng trống." for i in range(400)]
    text = "\n".join(lines)
    expected = segment_text(text)
    monkeypatch.setattr(segment_mod, "MAX_PARAGRAPH_CHARS", 500)
    assert segment_text(text) == expected


def test_streamed_lines_match_whole_text():
    text = "Tiêu đề\n\nCâu một. Câu hai.\nCâu ba kéo dài qua dòng để xem thử việc\nnối dòng.\n"
    lines = text.splitlines(keepends=True)
    assert list(segment_lines(lines, "d")) == segment_text(text, "d")


def test_abbreviation_data_file_is_loaded_with_markers():
    pre = prefixes()
    assert {"TP", "PGS", "ThS", "St"} <= pre.plain
    assert "tr" in pre.numeric_only
    assert "v.v" in pre.may_end
    assert "Điều" in numbering_labels()


def test_gap_chars_are_exactly_whitespace_plus_zero_width():
    whitespace = {chr(i) for i in range(0x110000) if chr(i).isspace()}
    assert set(GAP_CHARS) == whitespace | {"\u200b", "\u2060", "\ufeff"}


# --- Issue 14: classes of fault found on unseen genres (science, health, notices, forums, blogs).
# Each test is named after its class; the sentences are written for the tests, both the failing
# shape and the neighbouring shapes that must keep working.

ONE_LETTER_CASES = [
    ("temperature_unit_after_do", "Chiều qua trời oi bức, nhiệt kế chỉ 39 độ C. Nhiều người tìm chỗ tránh nóng.",
     ["Chiều qua trời oi bức, nhiệt kế chỉ 39 độ C.", "Nhiều người tìm chỗ tránh nóng."]),
    ("fahrenheit_unit_after_do", "Lò nướng đặt ở 350 độ F. Bánh chín sau 20 phút.",
     ["Lò nướng đặt ở 350 độ F.", "Bánh chín sau 20 phút."]),
    ("unit_symbol_after_number", "Điện áp lưới là 220 V. Thiết bị cần bộ đổi nguồn.",
     ["Điện áp lưới là 220 V.", "Thiết bị cần bộ đổi nguồn."]),
    ("grade_letter_after_lower_case_word", "Khách sạn mới được xếp hạng B. Năm sau sẽ nâng cấp.",
     ["Khách sạn mới được xếp hạng B.", "Năm sau sẽ nâng cấp."]),
    ("letter_named_as_a_letter", "Con đường uốn hình chữ S. Xe chạy rất chậm.",
     ["Con đường uốn hình chữ S.", "Xe chạy rất chậm."]),
    ("withheld_name_letter", "Người báo tin là anh K. Công an đã ghi lời khai.",
     ["Người báo tin là anh K.", "Công an đã ghi lời khai."]),
    ("unit_before_lower_case_continues", "Nhiệt độ lên 40 độ C. và còn tăng.", ["Nhiệt độ lên 40 độ C. và còn tăng."]),
    ("initials_of_a_name_stay", "Bài viết của Trần Q. B. Hưng rất hay.", ["Bài viết của Trần Q. B. Hưng rất hay."]),
    ("initial_before_foreign_surname_stays", "Theo nhà vật lý R. Feynman, tự nhiên rất đơn giản.",
     ["Theo nhà vật lý R. Feynman, tự nhiên rất đơn giản."]),
    ("address_letter_before_place_name_stays", "Chợ nằm ở P. Tân Định, gần Q. Bình Thạnh.",
     ["Chợ nằm ở P. Tân Định, gần Q. Bình Thạnh."]),
    ("address_letter_after_lower_case_before_place_name_stays", "Ông chuyển về Q. Gò Vấp sống.",
     ["Ông chuyển về Q. Gò Vấp sống."]),
]


@pytest.mark.parametrize("text, expected", [c[1:] for c in ONE_LETTER_CASES], ids=[c[0] for c in ONE_LETTER_CASES])
def test_one_letter_unit_or_capital_before_final_stop(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Kết quả in trên Phys. Rev. B và Nucl. Phys. A năm ngoái.",
     ["Kết quả in trên Phys. Rev. B và Nucl. Phys. A năm ngoái."]),
    ("Nhóm công bố (xem Appl. Phys. Lett.; Int. J. Mod. Phys. E) hai bài.",
     ["Nhóm công bố (xem Appl. Phys. Lett.; Int. J. Mod. Phys. E) hai bài."]),
    ("Bài báo in trong Proc. Natl. Acad. Sci. 115, 2018.", ["Bài báo in trong Proc. Natl. Acad. Sci. 115, 2018."]),
    ("Ông có ba bài trên Astrophys. J. Lett. Nhóm tiếp tục nghiên cứu.",
     ["Ông có ba bài trên Astrophys. J. Lett.", "Nhóm tiếp tục nghiên cứu."]),
], ids=["section_letters", "inside_parenthesis_with_semicolon", "before_volume_number", "title_ends_sentence"])
def test_abbreviated_publication_title_inside_citation(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Giá rau tăng gấp đôi. (Lao Động, ngày 5/1). Tiểu thương than khó.",
     ["Giá rau tăng gấp đôi. (Lao Động, ngày 5/1).", "Tiểu thương than khó."]),
    ("Mưa kéo dài suốt tuần… (Dân Trí, trang 2). Đường ngập sâu.",
     ["Mưa kéo dài suốt tuần… (Dân Trí, trang 2).", "Đường ngập sâu."]),
    ("Số ca mắc giảm. (Xem bảng số liệu ở cuối bài.) Bệnh viện bớt tải.",
     ["Số ca mắc giảm.", "(Xem bảng số liệu ở cuối bài.)", "Bệnh viện bớt tải."]),
    ("Số ca mắc giảm. (Ảnh: Bộ Y tế) Bệnh viện bớt tải.",
     ["Số ca mắc giảm.", "(Ảnh: Bộ Y tế)", "Bệnh viện bớt tải."]),
    ("Số ca mắc giảm rõ rệt. (Theo VTV)", ["Số ca mắc giảm rõ rệt.", "(Theo VTV)"]),
], ids=["citation_closed_by_the_sentence_stop", "citation_after_ellipsis", "parenthesised_sentence_is_own_segment",
        "photo_credit_before_next_sentence", "source_line_at_paragraph_end"])
def test_source_citation_in_parentheses_after_finished_sentence(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Chị ngập ngừng mãi... (im lặng) rồi mới trả lời.", ["Chị ngập ngừng mãi... (im lặng) rồi mới trả lời."]),
    ("Tôi chưa nghĩ tới chuyện đó… (cười) Để sau hãy tính.", ["Tôi chưa nghĩ tới chuyện đó… (cười)", "Để sau hãy tính."]),
    ("Tôi chưa nghĩ tới chuyện đó… (cười).", ["Tôi chưa nghĩ tới chuyện đó… (cười)."]),
], ids=["note_then_lower_case", "note_then_new_sentence", "note_then_stop"])
def test_ellipsis_followed_by_parenthesised_note(text, expected):
    assert texts(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Cô bé reo: “Mẹ về rồi!” (rồi chạy ra cổng) trong tiếng cười.",
     ["Cô bé reo: “Mẹ về rồi!” (rồi chạy ra cổng) trong tiếng cười."]),
    ("Khán giả hô vang “Việt Nam vô địch!” (Người Lao Động, trang 8). Trận đấu kết thúc.",
     ["Khán giả hô vang “Việt Nam vô địch!” (Người Lao Động, trang 8).", "Trận đấu kết thúc."]),
], ids=["parenthesis_then_lower_case", "citation_then_stop"])
def test_exclamation_quote_followed_by_continuing_parenthesis(text, expected):
    assert texts(text) == expected


def test_all_capitals_heading_wrapped_over_two_lines():
    text = ("QUY ĐỊNH VỀ QUẢN LÝ, SỬ DỤNG TÀI SẢN CÔNG TẠI CÁC CƠ QUAN\nHÀNH CHÍNH NHÀ NƯỚC TRÊN ĐỊA BÀN TỈNH\n"
            "Căn cứ Luật Quản lý tài sản công;")
    assert texts(text) == ["QUY ĐỊNH VỀ QUẢN LÝ, SỬ DỤNG TÀI SẢN CÔNG TẠI CÁC CƠ QUAN\nHÀNH CHÍNH NHÀ NƯỚC TRÊN ĐỊA BÀN TỈNH",
                           "Căn cứ Luật Quản lý tài sản công;"]
    # Short capital lines of a letter's header block are laid out one per line on purpose.
    assert texts("BỘ Y TẾ\nCỤC Y TẾ DỰ PHÒNG\nSố: 12/CV") == ["BỘ Y TẾ", "CỤC Y TẾ DỰ PHÒNG", "Số: 12/CV"]


def test_short_wrapped_line_before_lower_case_continuation():
    column = ("Người dân các xã ven biển được\nhướng dẫn gia cố nhà cửa và\nchằng chống mái tôn trước\n"
              "ngày 12/9, khi bão đổ bộ vào\nđất liền, theo thông báo của\nhuyện.")
    assert texts(column) == [column]
    number = "Đợt tiêm chủng kéo dài đến hết ngày\n30/6, theo kế hoạch của tỉnh và\nhuyện."
    assert texts(number) == [number]
    # Without hard wrapping around it a short line over a lower-case line stays a line of its own,
    # and so does a term whose description hangs deeper under it (a definition list, `--help` text).
    assert texts("Xem thêm\nbài viết cùng chuyên mục") == ["Xem thêm", "bài viết cùng chuyên mục"]
    usage = "--kich-co=N\n          đặt kích cỡ khối dữ liệu khi nén thành tập tin\n          theo byte"
    assert texts(usage) == ["--kich-co=N", "đặt kích cỡ khối dữ liệu khi nén thành tập tin\n          theo byte"]


@pytest.mark.parametrize("text, expected", [
    ("Ảnh 2. Lực lượng cứu hộ đưa người dân ra khỏi vùng ngập.", ["Ảnh 2. Lực lượng cứu hộ đưa người dân ra khỏi vùng ngập."]),
    ("Bảng 3. Sản lượng lúa các năm 2020–2023\nSản lượng tăng đều.", ["Bảng 3. Sản lượng lúa các năm 2020–2023", "Sản lượng tăng đều."]),
    ("Nước dâng nhanh. Hình 4. Bản đồ vùng ngập ở Huế.", ["Nước dâng nhanh.", "Hình 4. Bản đồ vùng ngập ở Huế."]),
    ("Ảnh 5.\nĐoàn cứu trợ đến thôn Phú Thọ.", ["Ảnh 5.\nĐoàn cứu trợ đến thôn Phú Thọ."]),
], ids=["photo_label", "table_label_line", "figure_label_after_a_sentence", "label_alone_on_its_line"])
def test_caption_label_stays_with_caption(text, expected):
    assert texts(text) == expected


def test_lower_case_sentence_start_after_a_plain_word_stop():
    assert texts("Cả nhóm về tới Đà Lạt. hôm sau trời mưa.") == ["Cả nhóm về tới Đà Lạt.", "hôm sau trời mưa."]
    # Abbreviations, numbers and dotted tokens before a lower-case word keep the sentence going.
    assert texts("Có cam, quýt v.v. và bưởi. Gặp ông Lê B. hôm qua.") == ["Có cam, quýt v.v. và bưởi.", "Gặp ông Lê B. hôm qua."]
    assert texts("Xem Smith et al. trong phụ lục.") == ["Xem Smith et al. trong phụ lục."]


def test_field_separator_dot_before_capitalised_field():
    assert texts("Nguồn: Sở Y tế .Cập nhật: 10/3/2024") == ["Nguồn: Sở Y tế .", "Cập nhật: 10/3/2024"]


def test_unit_and_label_data_files_are_loaded():
    from toolkit.segment.lexicon import unit_symbols

    symbols, words, letter_words = unit_symbols()
    assert {"C", "F", "K", "V"} <= symbols and "độ" in words and "chữ" in letter_words
    assert {"Phys", "Lett", "Nucl"} <= prefixes().journal
    assert {"Ảnh", "Hình", "Bảng"} <= numbering_labels()
