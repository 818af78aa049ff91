"""The curated table of Party and State abbreviations (data for abbreviations.py)."""

# "kind: short[, alias] = full | full; ...". t: a document type, expanded only inside a number or symbol
# ("57-NQ/TW", "NQ 57"), since "CT", "TT", "KH" alone mean many things; o: an organisation or a term.
TABLE = """
t: NQ = nghị quyết; KL = kết luận; CT = chỉ thị; QĐ = quyết định; QĐi = quy định; HD = hướng dẫn; TB = thông báo
t: BC = báo cáo; KH = kế hoạch; CTr = chương trình; ĐA = đề án; TTr = tờ trình; TT = thông tri; QC = quy chế
t: NĐ = nghị định
o: UBND = Ủy ban nhân dân; HĐND = Hội đồng nhân dân; BCHTW = Ban Chấp hành Trung ương; BCH = Ban Chấp hành
o: BCĐ = Ban Chỉ đạo; BCT = Bộ Chính trị; BBT = Ban Bí thư; MTTQ = Mặt trận Tổ quốc
o: UBMTTQ = Ủy ban Mặt trận Tổ quốc; BTV = Ban Thường vụ; UBKT = Ủy ban Kiểm tra; BCS = Ban cán sự đảng
o: ĐĐ = Đảng đoàn; TU = Tỉnh ủy | Thành ủy; HU = Huyện ủy; QU = Quận ủy; ĐU = Đảng ủy; TW = Trung ương
o: VPTW = Văn phòng Trung ương Đảng; CP = Chính phủ; QH = Quốc hội; TTg = Thủ tướng Chính phủ
o: ĐBQH = đại biểu Quốc hội; UBTVQH = Ủy ban Thường vụ Quốc hội; VPCP = Văn phòng Chính phủ
o: VPQH = Văn phòng Quốc hội; BKHCN = Bộ Khoa học và Công nghệ; BTTTT = Bộ Thông tin và Truyền thông
o: TTXVN = Thông tấn xã Việt Nam; TP, Tp = thành phố
o: CNXH = chủ nghĩa xã hội; XHCN = xã hội chủ nghĩa; CHXHCN = Cộng hòa xã hội chủ nghĩa
o: CNH-HĐH = công nghiệp hóa, hiện đại hóa; CNH = công nghiệp hóa; HĐH = hiện đại hóa
o: KT-XH = kinh tế - xã hội; QP-AN = quốc phòng, an ninh; HTCT = hệ thống chính trị
o: KH,CN, KH&CN, KHCN = khoa học, công nghệ; KH,CN,ĐMST = khoa học, công nghệ, đổi mới sáng tạo
o: KH,CN&MT = khoa học, công nghệ và môi trường; ĐMST = đổi mới sáng tạo; CĐS = chuyển đổi số
o: CNTT = công nghệ thông tin; CSDL = cơ sở dữ liệu; NSNN = ngân sách nhà nước; TTHC = thủ tục hành chính
o: DNNN = doanh nghiệp nhà nước; AI = trí tuệ nhân tạo; IoT = Internet vạn vật; R&D = nghiên cứu và phát triển
o: GDP = tổng sản phẩm trong nước; FDI = đầu tư trực tiếp nước ngoài; TFP = năng suất các nhân tố tổng hợp
o: PPP = hợp tác công tư; HDI = chỉ số phát triển con người
o: TBT = Tổng Bí thư; CTN = Chủ tịch nước; ĐHĐBTQ = Đại hội đại biểu toàn quốc; ĐV = đảng viên | đơn vị
o: CB = cán bộ; CBCCVC = cán bộ, công chức, viên chức; CCVC = công chức, viên chức; NLĐ = người lao động
o: DN = doanh nghiệp; DNNVV = doanh nghiệp nhỏ và vừa; HTX = hợp tác xã; SXKD = sản xuất kinh doanh
o: VN = Việt Nam; HN = Hà Nội; TPHCM, TP.HCM = Thành phố Hồ Chí Minh; ĐBSCL = Đồng bằng sông Cửu Long
o: SV = sinh viên; HS = học sinh; GD&ĐT, GDĐT = giáo dục và đào tạo; NCKH = nghiên cứu khoa học
o: BHXH = bảo hiểm xã hội; BHYT = bảo hiểm y tế; CCCD = căn cước công dân; DVC = dịch vụ công
o: CCHC = cải cách hành chính; CAND = Công an nhân dân; QĐND = Quân đội nhân dân; LLVT = lực lượng vũ trang
o: ANQG = an ninh quốc gia; ANTT = an ninh, trật tự; ATGT = an toàn giao thông; BĐKH = biến đổi khí hậu
o: NTM = nông thôn mới; KCN = khu công nghiệp; KKT = khu kinh tế; BĐS = bất động sản; GPMB = giải phóng mặt bằng
o: CMCN = cách mạng công nghiệp
"""
# State symbols ("01/2020/TT-BTC") use TT for thông tư; Party ones ("05-TT/TW") for thông tri.
STATE_TYPES = {"TT": "thông tư"}
