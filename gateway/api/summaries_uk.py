"""Ukrainian summaries of the gateway's routes, keyed by their English summary (see shared.openapi_uk)."""

from __future__ import annotations

DESCRIPTION_UK = """Шлюз «Варта»: камери надсилають кадри, розпізнавачі читають номери та обличчя, списки
розшуку порівнюються, тривоги чекають на перевірку людиною. Автентифікація: `Authorization: Bearer vk_...`.
Пошуки поліції зазначають `X-Purpose` і `X-Case-Number`; кожен запит, збіг, завантаження і зміна
записуються в журнал аудиту."""

SUMMARIES_UK: dict[str, str] = {
    "Liveness: the process answers": "Живучість: процес відповідає",
    "Readiness: 503 until migrations ran and recognizers and face index are up": (
        "Готовність: 503, доки не виконано міграції й не запущено розпізнавачі та індекс облич"
    ),
    "Prometheus metrics (bearer token when VARTA_METRICS_TOKEN is set)": (
        "Метрики Prometheus (токен Bearer, якщо задано VARTA_METRICS_TOKEN)"
    ),
    "Create a key (shown once)": "Створити ключ (показується один раз)",
    "List keys (no secrets)": "Список ключів (без секретів)",
    "Revoke a key": "Відкликати ключ",
    "Who am I (any key)": "Хто я (будь-який ключ)",
    "Register a camera": "Зареєструвати камеру",
    "List cameras (residents: only the ones they may view, without settings)": (
        "Список камер (мешканцям — лише дозволені для перегляду, без налаштувань)"
    ),
    "One camera": "Одна камера",
    "Change a camera": "Змінити камеру",
    "Remove a camera and its keys": "Видалити камеру та її ключі",
    "Create this camera's key (shown once; it may post frames for this camera only)": (
        "Створити ключ цієї камери (показується один раз; надсилає кадри лише від цієї камери)"
    ),
    "Create a list": "Створити список",
    "Lists my organisation sees": "Списки, які бачить моя організація",
    "One list": "Один список",
    "Change a list": "Змінити список",
    "Delete a list and entries": "Видалити список і його записи",
    "Entries of a list (police: X-Purpose and X-Case-Number required)": (
        "Записи списку (поліції потрібні X-Purpose і X-Case-Number)"
    ),
    "Add a plate or wildcard pattern (AA12??BB)": "Додати номер або шаблон (AA12??BB)",
    "Remove a plate entry": "Видалити запис номера",
    "Upload plates as CSV (UTF-8; columns plate,reason,valid_until,notes)": (
        "Завантажити номери з CSV (UTF-8; стовпці plate,reason,valid_until,notes)"
    ),
    "Add a person (then add photos)": "Додати особу (потім додайте фото)",
    "Remove a person": "Видалити особу",
    "Enrol one photo (exactly one face, minimum size and quality)": (
        "Додати одне фото (рівно одне обличчя, мінімальний розмір і якість)"
    ),
    "The enrolled photo (to compare with an alert's crop)": (
        "Додане фото (для порівняння з фрагментом кадру тривоги)"
    ),
    "Remove one enrolled photo and its template": "Видалити одне фото та його шаблон",
    "Upload persons as a ZIP of photos + manifest.csv (label,reason,valid_until,photo)": (
        "Завантажити осіб як ZIP із фото + manifest.csv (label,reason,valid_until,photo)"
    ),
    "Record an authorisation: live face matching on its cameras until it expires": (
        "Записати дозвіл: розпізнавання облич наживо на його камерах до закінчення строку"
    ),
    "List authorisations": "Список дозволів",
    "One authorisation": "Один дозвіл",
    "Stop it now": "Припинити зараз",
    "Read the audit log (filtered, paged)": "Читати журнал аудиту (з фільтрами, посторінково)",
    "Verify the hash chain": "Перевірити ланцюжок хешів",
    "Read the chain head": "Отримати голову ланцюжка (якір)",
    "A camera posts one frame": "Камера надсилає один кадр",
    "Search past sightings": "Пошук минулих фіксацій",
    "Alerts of your organisation's lists": "Тривоги за списками вашої організації",
    "One alert": "Одна тривога",
    "An evidence image: crop.jpg, frame.jpg or enrolled.jpg": (
        "Зображення-доказ: crop.jpg, frame.jpg або enrolled.jpg"
    ),
    "Confirm or reject an alert": "Підтвердити або відхилити тривогу",
    "Send a photo or video to the council or the police (residents)": (
        "Надіслати фото чи відео раді або поліції (мешканці)"
    ),
    "Reports: residents their own, council and police those addressed to them": (
        "Повідомлення: мешканцям — власні, раді й поліції — адресовані їм"
    ),
    "One report (its sender or the organisation it is addressed to)": (
        "Одне повідомлення (його автор або організація, якій воно адресоване)"
    ),
    "A report's photo or video (its sender or the organisation it is addressed to)": (
        "Фото чи відео повідомлення (його автор або організація, якій воно адресоване)"
    ),
    "Mark a report in review or closed, with a note (the organisation it is addressed to)": (
        "Позначити повідомлення як на розгляді чи закрите, з приміткою (організація-адресат)"
    ),
    "A camera's agent posts its newest live-view picture (small, privacy-masked JPEG)": (
        "Агент камери надсилає найновіше зображення для перегляду наживо (мале, з масками приватності)"
    ),
    "The camera's newest live-view picture (residents: cameras they may view)": (
        "Найновіше зображення камери наживо (мешканцям — лише дозволені камери)"
    ),
}
