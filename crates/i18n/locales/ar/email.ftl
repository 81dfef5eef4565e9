# E-mails in Arabic (Morocco), written right to left, in Modern Standard Arabic
# as used in Moroccan administration, addressing the reader in the polite
# plural. No personal data: a link and a short reference, never a name, a phone
# number or a document number.

email-app-name = ريلي
email-greeting = تحية طيبة،
email-footer = أُرسلت هذه الرسالة تلقائيًا من منصة ريلي، منصة التوجيه المشتركة بين شركاء الشبكة. المرجو عدم الرد عليها.
email-link-fallback = إذا لم يشتغل الزر، انسخوا هذا الرابط والصقوه في متصفحكم:

## Roles, as named in an invitation ("دوركم: …"). Same words as the
## interface (web.ftl, role-*), so that people recognise their role there.

email-role-tenant-admin = مسؤول المنظمة
email-role-caseworker = مستشار مرافق
email-role-volunteer = متطوع
email-role-viewer = التتبع والتقييم (اطلاع فقط)

## Invitation to join a tenant. $tenant: the organisation's name; $role: a role above.

email-invitation-subject = دعوة للانضمام إلى «{ $tenant }» على منصة ريلي
email-invitation-intro = تدعوكم المنظمة «{ $tenant }» إلى الانضمام إلى فضائها على منصة ريلي، وهي منصة لتتبع الملفات والتوجيه يتقاسمها شركاء الشبكة. دوركم: { $role }.
email-invitation-action = لقبول الدعوة، المرجو فتح الرابط أدناه. يبقى هذا الرابط صالحًا لمدة { $hours ->
        [one] ساعة واحدة
        [two] ساعتين
        [few] { $hours } ساعات
        [many] { $hours } ساعة
       *[other] { $hours } ساعة
    }.
email-invitation-button = قبول الدعوة
email-invitation-unexpected = إذا لم تكونوا تنتظرون هذه الدعوة، يمكنكم تجاهل هذه الرسالة: لن يُفتح لكم أي ولوج دون إجراء من طرفكم.

## Password reset.

email-password-reset-subject = إعادة تعيين كلمة المرور على منصة ريلي
email-password-reset-intro = توصلنا بطلب لإعادة تعيين كلمة المرور الخاصة بحسابكم على منصة ريلي.
email-password-reset-action = لاختيار كلمة مرور جديدة، المرجو فتح الرابط أدناه. يبقى هذا الرابط صالحًا لمدة { $minutes ->
        [one] دقيقة واحدة
        [two] دقيقتين
        [few] { $minutes } دقائق
        [many] { $minutes } دقيقة
       *[other] { $minutes } دقيقة
    }.
email-password-reset-button = اختيار كلمة مرور جديدة
email-password-reset-unexpected = إذا لم تكونوا أنتم من قدّم هذا الطلب، يمكنكم تجاهل هذه الرسالة، وستبقى كلمة المرور الحالية صالحة.
email-password-never-asked = لن تطلب منكم منصة ريلي كلمة المرور أبدًا، لا عبر البريد الإلكتروني ولا عبر الهاتف.

## Daily digest of identity documents expiring soon.
email-expiry-digest-subject = ريلي: { $count ->
    [one] بطاقة إقامة واحدة تنتهي صلاحيتها قريبًا
   *[other] { $count } بطاقات إقامة تنتهي صلاحيتها قريبًا
}
email-expiry-digest-intro = { $count ->
    [one] من بين الأشخاص الذين ترافقهم، تنتهي صلاحية بطاقة إقامة واحدة خلال { $days } يومًا القادمة.
   *[other] من بين الأشخاص الذين ترافقهم، تنتهي صلاحية { $count } بطاقات إقامة خلال { $days } يومًا القادمة.
}
email-expiry-digest-action = سجّل الدخول إلى ريلي للاطلاع على القائمة والتحضير للتجديد.
email-expiry-digest-button = عرض القائمة
email-expiry-digest-why = تتلقى هذا الملخص اليومي لأن ملفات أُسندت إليك.

## Referral notices: a reference and a service name, never a person.
email-referral-action = افتح ريلي للاطلاع على الإحالة.
email-referral-button = عرض الإحالة
email-referral-privacy = حمايةً للشخص المعني، لا تتضمن هذه الرسالة اسمه ولا معطيات الاتصال به.
email-referral-received-subject = إحالة جديدة { $reference }
email-referral-received-intro = وُجّهت إليكم إحالة جديدة ({ $reference }) لخدمة «{ $service }».
email-referral-accepted-subject = تم قبول الإحالة { $reference }
email-referral-accepted-intro = تم قبول الإحالة { $reference } إلى «{ $service }».
email-referral-declined-subject = تم رفض الإحالة { $reference }
email-referral-declined-intro = تم رفض الإحالة { $reference } إلى «{ $service }». السبب مبيَّن في ريلي.
email-referral-withdrawn-subject = تم سحب الإحالة { $reference }
email-referral-withdrawn-intro = سحبت المنظمة التي وجّهت إليكم الإحالة { $reference } («{ $service }») إحالتها.
email-referral-expired-subject = الإحالة { $reference } بدون رد
email-referral-expired-intro = لم تتلقَّ الإحالة { $reference } إلى «{ $service }» ردًا في الأجل المحدد وانتهت صلاحيتها.
email-referral-started-subject = الإحالة { $reference }: بدأت المواكبة
email-referral-started-intro = بدأت المواكبة في إطار الإحالة { $reference } («{ $service }»).
email-referral-completed-subject = انتهت الإحالة { $reference }
email-referral-completed-intro = انتهت الإحالة { $reference } إلى «{ $service }»؛ النتيجة مبيَّنة في ريلي.
email-referral-not-completed-subject = لم تكتمل الإحالة { $reference }
email-referral-not-completed-intro = انتهت الإحالة { $reference } إلى «{ $service }» دون تقديم الخدمة؛ السبب مبيَّن في ريلي.
email-referral-revoked-subject = أُلغيت الإحالة { $reference }
email-referral-revoked-intro = سحب الشخص موافقته: أُلغيت الإحالة { $reference } («{ $service }») ولم تعد بطاقتها متاحة.
email-referral-reminder-subject = تذكير: الإحالة { $reference } في الانتظار
email-referral-reminder-intro = ما تزال الإحالة { $reference } الخاصة بـ«{ $service }» تنتظر ردكم.
email-referral-escalation-subject = تأخر الرد على الإحالة { $reference }
email-referral-escalation-intro = لم تتلقَّ الإحالة { $reference } الخاصة بـ«{ $service }» ردًا في الأجل المحدد. المرجو التأكد من التكفل بها.
email-referral-comment-subject = تعليق جديد على الإحالة { $reference }
email-referral-comment-intro = أُضيف تعليق إلى الإحالة { $reference } («{ $service }»).
email-referral-digest-subject = ريلي: { $count ->
    [one] تحديث جديد واحد على إحالاتك
   *[other] { $count } تحديثات جديدة على إحالاتك
}
email-referral-digest-intro = { $count ->
    [one] منذ الأمس، تغيّرت إحالة واحدة تعنيك.
   *[other] منذ الأمس، حدثت { $count } تغييرات على الإحالات التي تعنيك.
}
email-referral-digest-why = تتلقى هذا الملخص اليومي لأنك اخترت رسالة واحدة في اليوم بخصوص الإحالات.
