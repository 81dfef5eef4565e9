# Outreach and capacity building (issue 12): events, attendance, tallies, participants.

event-error-topics = اختر موضوعا واحدا على الأقل لجلسة إعلامية.
event-error-end-before-start = تاريخ النهاية سابق لتاريخ البداية.
event-error-held-in-future = لا يمكن تسجيل نشاط لم يبدأ بعد على أنه انعقد.
event-error-co-organiser-records = سجّلت هذه الجهة المشاركة في التنظيم حضورا أو تعدادا لهذا النشاط: لا يمكن حذفها.
event-error-period = نهاية الفترة سابقة لبدايتها.
event-error-tally-empty = يجب أن يحصي التعداد شخصا واحدا على الأقل.
event-error-tally-count = يجب أن يكون كل عدد عددا صحيحا بين 0 و100000.
event-error-tally-repeated = الخانة نفسها (الجنس، الفئة العمرية، الجنسية) مكررة.
event-error-one-institution = حدّد مؤسسة واحدة فقط: جهة من الشبكة أو منظمة من الدليل أو اسما.
event-error-in-future = لم ينعقد هذا النشاط بعد: يُسجَّل الحضور والتعداد ابتداء من تاريخه.
event-error-cancelled = هذا النشاط ملغى: لا يُسجَّل فيه حضور ولا تعداد.
event-error-transition = لا يمكن تغيير الحالة على هذا النحو انطلاقا من الحالة الحالية.
