# دليل الخدمات — العربية
dir-title = دليل الخدمات
dir-search = بحث
dir-search-button = بحث
dir-any = — الكل —
dir-open-only = الخدمات التي تقبل إحالات جديدة فقط
dir-empty = لا توجد خدمة تطابق هذا البحث.
dir-count = { $count ->
    [one] خدمة واحدة
   *[other] { $count } خدمات
}
dir-service = الخدمة
dir-organisation = المنظمة
dir-external = خارج المنصة
dir-category = الصنف
dir-intake = الاستقبال
dir-intake-open = مفتوح
dir-intake-closed = مغلق
dir-intake-open-label = تقبل الخدمة إحالات جديدة
dir-response-days = أجل الرد المتوقع (بالأيام)
dir-days = { $count ->
    [one] يوم واحد
   *[other] { $count } أيام
}
dir-eligibility = شروط الاستفادة
dir-languages = اللغات المستعملة
dir-regions = الجهات المشمولة
dir-cities = المدن
dir-address = العنوان
dir-opening-hours = أوقات العمل
dir-focal-point = بريد نقطة الاتصال
dir-last-verified = آخر تحقق
dir-website = الموقع الإلكتروني
dir-service-form-title = الخدمة
dir-name-fr = الاسم (بالفرنسية)
dir-name-ar = الاسم (بالعربية)
dir-name-en = الاسم (بالإنجليزية)
dir-description-fr = الوصف (بالفرنسية)
dir-description-ar = الوصف (بالعربية)
dir-description-en = الوصف (بالإنجليزية)
dir-own-title = خدماتنا
dir-own-empty = لم تُنشر أي خدمة بعد.
dir-new-service = خدمة جديدة
dir-organisations-title = المنظمات الخارجية
dir-organisations-intro = منظمات شريكة ليس لها حساب على ريلي: خدماتها مدرجة في الدليل وتتلقى الإحالات عبر البريد الإلكتروني.
dir-new-organisation = إضافة منظمة
dir-services-of = خدمات المنظمة
dir-error-languages = اختر لغة واحدة على الأقل.
dir-error-regions = اختر جهة واحدة على الأقل.
dir-error-response-days = أدخل عددًا من الأيام بين 1 و90.
dir-error-verified-date = أدخل تاريخًا سابقًا بصيغة YYYY-MM-DD.
dir-error-website = يجب أن يبدأ العنوان بـ https:// أو http://.
dir-category-auto_entrepreneur_support = المواكبة للحصول على صفة المقاول الذاتي
dir-category-entrepreneurship_training = التكوين في المقاولة
dir-category-incubation = الاحتضان
dir-category-cooperative_creation = إنشاء تعاونية
dir-category-job_placement = الإدماج في الشغل
dir-category-vocational_training = التكوين المهني
dir-category-social_assistance = المساعدة الاجتماعية
dir-category-legal_aid = المساعدة القانونية
dir-category-language_courses = دروس اللغة
dir-category-financing = التمويل
dir-category-health_cover = التغطية الصحية
dir-category-other = أخرى
