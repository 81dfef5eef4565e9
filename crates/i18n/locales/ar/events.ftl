# Outreach pages (issue 12): events list and figures, event form and page, capture at the door, participants.

event-error-date = أدخل التاريخ بصيغة YYYY-MM-DD.
event-error-stale = عدّل شخص آخر هذا السجل في الأثناء. أعد تحميل الصفحة لرؤية آخر نسخة.
event-error-consent = ضع علامة على موافقة الشخص لتسجيله.
event-error-erased = تم محو بيانات هذا الشخص.

event-error-no-pathway = لا يطابق هذا الطلب أي مسار: افتح الملف من صفحة الشخص.
event-follow-up = فتح ملف

nav-events = الأنشطة

# Events list and figures
event-list-title = الأنشطة
event-new = نشاط جديد
event-list-empty = لا يوجد نشاط يطابق هذه المعايير.
event-all = الكل
event-when = الفترة
event-when-all = الكل
event-when-upcoming = القادمة
event-when-past = السابقة
event-period-from = من
event-period-to = إلى
event-filter-button = تصفية
event-first-page = الصفحة الأولى
event-more = المزيد
event-co-organised = تنظيم مشترك
event-present-count = { $count ->
    [0] لا أحد حاضر
    [one] شخص واحد حاضر
   *[other] { $count } أشخاص حاضرون
}
event-counted-count = { $count ->
    [one] شخص واحد محسوب
   *[other] { $count } أشخاص محسوبون
}
event-figures-title = أرقام مؤسستكم
event-figures-period = الأنشطة المنعقدة من { $from } إلى { $to } (مع احتساب التاريخين).
event-figures-detail = حسب النوع والجنس والفئة العمرية
event-figure-events-held = الأنشطة المنعقدة
event-figure-people-informed = الأشخاص المستفيدون من الإعلام (الجلسات الإعلامية)
event-figure-people-present = الأشخاص الحاضرون (جميع الأنشطة)
event-figure-headcount = الأشخاص المحسوبون (العد المجهول)
event-figure-officials-trained = المسؤولون المكوَّنون
event-figure-officials-engaged = المسؤولون المعبَّؤون (التكوينات واجتماعات الشبكة)

# Codes
event-kind-information_session = جلسة إعلامية
event-kind-field_campaign = حملة تحسيس ميدانية
event-kind-training = تكوين
event-kind-network_meeting = اجتماع الشبكة
event-topic-self_employment = المقاولة الذاتية
event-topic-cooperatives = التعاونيات
event-topic-rights = الحقوق
event-topic-other = موضوع آخر
event-status-planned = مبرمج
event-status-held = منعقد
event-status-cancelled = ملغى
event-status-to-planned = إرجاعه إلى «مبرمج»
event-status-to-held = تسجيله كمنعقد
event-status-to-cancelled = إلغاء النشاط
event-audience-officials = مسؤولو المؤسسات والجمعيات
event-audience-beneficiaries = المستفيدون
event-attendance-present = حاضر
event-attendance-absent = غائب
event-interest-auto_entrepreneur = أن يصبح مقاولا ذاتيا
event-interest-group_project = الانضمام إلى مشروع جماعي
event-interest-employment = العمل المأجور
event-interest-training = التكوين المهني
event-interest-other = طلب آخر
event-age-under_18 = أقل من 18 سنة
event-age-18_24 = 18–24 سنة
event-age-25_34 = 25–34 سنة
event-age-35_44 = 35–44 سنة
event-age-45_plus = 45 سنة فما فوق
event-age-unknown = سن غير معروف
event-age-band = الفئة العمرية

# Event form
event-new-title = نشاط جديد
event-edit-title = تعديل النشاط
event-back = رجوع
event-field-title = العنوان
event-field-kind = النوع
event-field-topics = المواضيع
event-topics-help = موضوع واحد على الأقل للجلسة الإعلامية.
event-field-audience = الفئة المستهدفة بالتكوين
event-audience-help = للتكوين فقط.
event-field-start-date = التاريخ
event-field-end-date = تاريخ النهاية (تكوين لعدة أيام)
event-field-city = المدينة
event-field-region = الجهة
event-field-place = المكان
event-field-languages = اللغات (مفصولة بفواصل)
event-field-facilitators = المنشطون والمنشطات
event-field-co-tenants = المؤسسات المشاركة في التنظيم
event-field-organisations = المنظمات الشريكة من الدليل
event-field-organiser = من تنظيم
event-field-notes = ملاحظات
event-status-help = يمكن إدخال نشاط سبق انعقاده مباشرة كـ«منعقد».

# Event page
event-back-to-list = جميع الأنشطة
event-details = التفاصيل
event-status-change = الحالة
event-attendance = الحضور
event-attendance-own-only = لا يظهر إلا الأشخاص التابعون لمؤسستكم.
event-attendance-none = لم يُسجَّل أي حضور.
event-attendance-status = الحضور
event-attendance-remove = حذف من القائمة
event-interests = ما طلبه الشخص
event-tallies = العد المجهول
event-tallies-none = لا يوجد عد.
event-tally-add = إضافة عد
event-tally-label = المكان أو التوقيت (اختياري)
event-tally-nationality = الجنسية (رمز البلد، اختياري)
event-tally-grid = عدد الأشخاص حسب الجنس والفئة العمرية
event-tally-save = حفظ العد
event-tally-unnamed = عد
event-participants = المشاركون والمشاركات
event-participants-none = لا يوجد مشارك.
event-participant-mark = مشارك أو مشاركة
event-participants-manage = تدبير لائحة المشاركين

# At the door
event-door-title = الاستقبال عند المدخل
event-door-search = البحث عن شخص مسجل
event-door-search-button = بحث
event-door-no-match = لا أحد يطابق البحث: سجّل الشخص أدناه.
event-door-mark-present = حاضر
event-door-duplicates-intro = قد يكون هذا الشخص مسجلا من قبل. اختره، أو سجّله رغم ذلك.
event-door-this-person = هذا هو الشخص
event-door-new = تسجيل شخص جديد
event-door-consent = الموافقة
event-door-consent-tick = يوافق الشخص على تسجيل بياناته من أجل مواكبته.
event-door-consent-witness = الشاهد (موافقة شفوية)
event-door-register = تسجيل ووضع علامة الحضور
event-door-register-anyway = التسجيل رغم ذلك

# Participants
event-participants-title = المشاركون (المسؤولون والشركاء)
event-participants-search = البحث بالاسم
event-participant-new = إضافة مشارك أو مشاركة
event-participant-name = الاسم الكامل
event-participant-institution = المؤسسة
event-participant-institution-help = مؤسسة واحدة فقط: مؤسسة من الشبكة أو منظمة من الدليل أو اسم.
event-participant-institution-tenant = مؤسسة من الشبكة
event-participant-institution-organisation = منظمة من الدليل
event-participant-institution-name = مؤسسة أخرى
event-participant-job-title = الوظيفة
event-participant-email = البريد الإلكتروني
event-attended = الأنشطة التي حضرها
event-attended-none = لا يوجد نشاط.

# Flash messages
event-flash-saved = تم حفظ النشاط.
event-flash-status = تم تغيير حالة النشاط.
event-flash-marked = تم تسجيل الحضور.
event-flash-registered = تم تسجيل الشخص ووضع علامة حضوره.
event-flash-removed = تم حذف الحضور.
event-flash-tally = تم حفظ العد.
event-flash-participant-saved = تم حفظ المشارك.
event-flash-participant-marked = تم تسجيل حضور المشارك.
