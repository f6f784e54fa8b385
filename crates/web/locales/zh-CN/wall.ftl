# 心愿墙：分页、大屏、心愿箱海报
wall-newer = 较新的心愿
wall-older = 更早的心愿
wall-page = 第 { $page } 页
wall-screen-open = 在议事厅大屏上显示
wall-screen-title = 心愿墙大屏
wall-screen-scan = 用手机扫一扫，认领一个心愿
poster-col = 心愿箱海报
poster-print = 打印
poster-link = 打印心愿箱海报
poster-title = 心愿箱
poster-heading = 有什么心愿，告诉我们
poster-step-scan = 用手机扫上面的二维码，写下您的心愿。
poster-step-slip = 不方便用手机？写在纸条上，投进心愿箱。
poster-step-wall = 社工看过后，心愿会贴上笑脸墙，志愿者来帮您实现。
poster-privacy = 笑脸墙上不会出现您的姓名、门牌号和电话。
poster-print-hint = 这是一张 A4 海报：用浏览器的“打印”打出来，贴在心愿箱旁边。
