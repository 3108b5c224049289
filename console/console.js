/* hotlined counsellor console. Plain ES2017, no framework, no build step.
 *
 * Runs under a strict Content-Security-Policy: no inline script or style, no
 * eval, no innerHTML with data. The DOM is built with createElement and
 * textContent; looks change through classes and the hidden attribute.
 *
 * Safety rules kept here:
 *  - a phone number is only ever shown from the server's `call.number`, in the
 *    request screen, and is removed from the DOM when the request is released,
 *    closed, no longer hers, or when she leaves the screen or the page;
 *  - no phone number in the URL, the hash, document.title or web storage
 *    (localStorage holds only the language and a "was signed in" flag);
 *  - every time is Phnom Penh time (UTC+7, no daylight saving).
 *
 * Every text shown is in T below, Khmer and English. A native-speaking
 * counsellor should review the Khmer before real use.
 */
'use strict';
(function () {

  /* ---- Texts: T[key] = {km, en}; {name} is filled in by t(). ---- */
  var T = {
    nav_queue: { km: 'បញ្ជីសំណើ', en: 'Requests' },
    nav_overview: { km: 'ទិដ្ឋភាពទូទៅ', en: 'Overview' },
    signout: { km: 'ចាកចេញ', en: 'Sign out' },
    supervisor: { km: 'អ្នកត្រួតពិនិត្យ', en: 'supervisor' },
    tz_note: { km: 'ម៉ោងទាំងអស់ជាម៉ោងភ្នំពេញ។', en: 'All times are Phnom Penh time.' },

    signin_title: { km: 'ចូលប្រើ', en: 'Sign in' },
    token_label: { km: 'កូដសម្ងាត់របស់អ្នក', en: 'Your access code' },
    signin_submit: { km: 'ចូល', en: 'Sign in' },
    signin_hint: { km: 'កុំចែករំលែកកូដរបស់អ្នកជាមួយអ្នកណាម្នាក់។', en: 'Do not share your code with anyone.' },
    token_empty: { km: 'សូមវាយកូដរបស់អ្នក។', en: 'Please type your code.' },
    token_wrong: { km: 'កូដមិនត្រឹមត្រូវ។ សូមព្យាយាមម្ដងទៀត។', en: 'Wrong code. Please try again.' },
    too_many: { km: 'ព្យាយាមច្រើនដងពេក។ សូមរង់ចាំ {n} វិនាទី។', en: 'Too many tries. Please wait {n} s.' },
    link_expired: { km: 'តំណនេះផុតកំណត់ ឬបានប្រើរួចហើយ។ សូមចូលដោយកូដរបស់អ្នក។', en: 'This link has expired or was already used. Please sign in with your code.' },
    session_ended: { km: 'ការចូលប្រើរបស់អ្នកបានផុតកំណត់។ សូមចូលម្ដងទៀត។', en: 'Your session has ended. Please sign in again.' },
    signed_out: { km: 'អ្នកបានចាកចេញហើយ។', en: 'You are signed out.' },
    offline: { km: 'គ្មានការតភ្ជាប់។ សូមព្យាយាមម្ដងទៀត។', en: 'No connection. Please try again.' },
    error: { km: 'មានបញ្ហា៖ {error}', en: 'Something went wrong: {error}' },
    csrf_retry: { km: 'សូមព្យាយាមម្ដងទៀត។', en: 'Please try again.' },
    not_found: { km: 'រកមិនឃើញសំណើនេះទេ។', en: 'This request was not found.' },
    only_supervisors: { km: 'សម្រាប់តែអ្នកត្រួតពិនិត្យប៉ុណ្ណោះ។', en: 'For supervisors only.' },

    tab_mine: { km: 'របស់ខ្ញុំ', en: 'Mine' },
    tab_unassigned: { km: 'មិនទាន់មានអ្នកយក', en: 'Unassigned' },
    tab_all: { km: 'ទាំងអស់', en: 'All' },
    total: { km: 'សរុប៖ {n}', en: 'Total: {n}' },
    queue_empty: { km: 'គ្មានសំណើនៅទីនេះទេ។', en: 'Nothing here.' },
    more: { km: 'បង្ហាញបន្ថែម', en: 'More' },
    loading: { km: 'កំពុងផ្ទុក…', en: 'Loading…' },

    urgent: { km: 'បន្ទាន់', en: 'URGENT' },
    mine_badge: { km: 'របស់អ្នក', en: 'yours' },
    past_badge: { km: 'ហួសពេល', en: 'past her time' },
    w_marked_unsafe_before: { km: 'ធ្លាប់មិនមានសុវត្ថិភាព', en: 'unsafe before' },
    w_asked_again: { km: 'បានស្នើម្ដងទៀត', en: 'asked again' },
    w_left_by_quick_exit: { km: 'ចាកចេញរហ័ស', en: 'quick exit' },
    wl_marked_unsafe_before: { km: 'ធ្លាប់មានការហៅមិនមានសុវត្ថិភាព៖ សូមនិយាយជាមួយអ្នកត្រួតពិនិត្យរបស់អ្នកជាមុនសិន។', en: 'Marked unsafe before: speak to your supervisor first.' },
    wl_asked_again: { km: 'នាងបានស្នើម្ដងទៀត៖ នាងនៅតែរង់ចាំ។', en: 'She asked again: she is still waiting.' },
    wl_left_by_quick_exit: { km: 'នាងចាកចេញដោយប្រញាប់៖ អាចមានអ្នកណាម្នាក់នៅជិតនាង។ ចាប់ផ្ដើមដោយពាក្យធម្មតា។', en: 'She left by quick exit: someone may have been near her. Open neutrally.' },

    win_now: { km: 'ឥឡូវ – ក្នុង {n} នាទី', en: 'now – within {n} min' },
    win_fmt: { km: '{part}{day} ម៉ោង {hours}', en: '{day} {part} {hours}' },
    win_fmt0: { km: '{part}{day}', en: '{day} {part}' },
    win_open: { km: '(អាចហៅបានឥឡូវ)', en: '(open now)' },
    win_pending: { km: 'មិនទាន់ដឹង (នាងនៅកំពុងឆ្លើយ)', en: 'not known yet (she is still answering)' },
    win_none: { km: 'នាងមិនបានប្រាប់', en: 'she did not say' },
    part_morning: { km: 'ព្រឹក', en: 'morning' },
    part_afternoon: { km: 'រសៀល', en: 'afternoon' },
    part_evening: { km: 'ល្ងាច', en: 'evening' },
    day_0: { km: 'នេះ', en: 'this' },
    day_1: { km: 'ស្អែក', en: 'tomorrow' },
    'day_-1': { km: 'ម្សិលមិញ', en: 'yesterday' },
    day_wd: { km: 'ថ្ងៃ{wd}', en: '{wd}' },
    weekdays: { km: 'អាទិត្យ|ច័ន្ទ|អង្គារ|ពុធ|ព្រហស្បតិ៍|សុក្រ|សៅរ៍', en: 'Sunday|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday' },

    waited: { km: 'រង់ចាំ {d}', en: 'waiting {d}' },
    d_lt1: { km: 'តិចជាង 1 នាទី', en: 'under 1 min' },
    d_min: { km: '{m} នាទី', en: '{m} min' },
    d_hour: { km: '{h} ម៉ោង {m} នាទី', en: '{h} h {m} min' },
    d_day: { km: '{d} ថ្ងៃ {h} ម៉ោង', en: '{d} d {h} h' },

    st_open: { km: 'កំពុងរង់ចាំ', en: 'waiting' },
    st_alerted: { km: 'បានជូនដំណឹង មិនទាន់មានអ្នកយក', en: 'alerted, nobody has it' },
    st_claimed: { km: '{name} បានទទួលយក', en: 'claimed by {name}' },
    st_mine: { km: 'អ្នកបានទទួលយក', en: 'claimed by you' },
    st_completed: { km: 'បានបិទ៖ {outcome}', en: 'closed: {outcome}' },
    attempts_n: { km: 'ហៅមិនមានអ្នកលើក {n} ដង', en: '{n} unanswered' },

    back: { km: '← ត្រឡប់ទៅបញ្ជី', en: '← Back to the list' },
    f_window: { km: 'ពេលមានសុវត្ថិភាព', en: 'Safe time' },
    f_waited: { km: 'រង់ចាំ', en: 'Waiting' },
    f_state: { km: 'ស្ថានភាព', en: 'Status' },
    f_province: { km: 'រាជធានី/ខេត្ត', en: 'Province' },
    f_topic: { km: 'ប្រធានបទ', en: 'Topic' },
    f_lang: { km: 'ភាសារបស់នាង', en: 'Her language' },
    f_attempts: { km: 'ការហៅមិនមានអ្នកលើក', en: 'Unanswered calls' },
    f_session: { km: 'របៀបដែលនាងចេញពីម៉ឺនុយ', en: 'How her session ended' },
    lang_km: { km: 'ខ្មែរ៖ ហៅជាភាសាខ្មែរ', en: 'Khmer: call in Khmer' },
    lang_en: { km: 'អង់គ្លេស៖ ហៅជាភាសាអង់គ្លេស', en: 'English: call in English' },
    prov_none: { km: 'នាងមិនចង់ប្រាប់', en: 'she preferred not to say' },
    unknown: { km: 'មិនដឹង', en: 'not known' },
    answering_long: { km: 'នាងនៅកំពុងឆ្លើយម៉ឺនុយ។ សូមមើលសំណើនេះម្ដងទៀតក្នុងមួយនាទី ដើម្បីដឹងពេលមានសុវត្ថិភាព និងរឿងបិទបាំងរបស់នាង។', en: 'She is still answering the menu. Read this request again in a minute for her safe time and cover story.' },
    se_answering: { km: 'នៅកំពុងឆ្លើយម៉ឺនុយ', en: 'still answering the menu' },
    se_completed: { km: 'បានអានសារបញ្ជាក់រួច', en: 'she read the confirmation' },
    se_quick_exit: { km: 'ចាកចេញរហ័ស (quick exit)', en: 'she left by quick exit' },
    se_hung_up: { km: 'នាងបានបិទទូរស័ព្ទ', en: 'she hung up' },
    se_timeout: { km: 'អស់ពេល (នាងមិនបានឆ្លើយ)', en: 'timed out (no reply)' },
    se_ended: { km: 'បណ្ដាញបានបញ្ចប់', en: 'ended by the network' },
    se_evicted: { km: 'ត្រូវបានកាត់ (ប្រព័ន្ធរវល់)', en: 'cut off (system busy)' },
    se_stopped: { km: 'ប្រព័ន្ធបានបិទ', en: 'the service stopped' },
    se_restarted: { km: 'ប្រព័ន្ធបានចាប់ផ្ដើមឡើងវិញ', en: 'the service restarted' },
    se_failed: { km: 'បរាជ័យ', en: 'failed' },

    not_claimed: { km: 'មិនទាន់មានអ្នកទទួលយកទេ។', en: 'Nobody has claimed it.' },
    claimed_by: { km: '{name} បានទទួលយករួចហើយ៖ កុំហៅ។', en: 'Claimed by {name}: do not call.' },
    claimed_you: { km: 'អ្នកបានទទួលយក។ ឥឡូវវាជារបស់អ្នក។', en: 'Claimed by you. It is yours now.' },
    closed_by: { km: 'បានបិទដោយ {name}៖ {outcome}', en: 'Closed by {name}: {outcome}' },
    claim: { km: 'ទទួលយក៖ ខ្ញុំនឹងហៅ', en: 'Claim: I will call' },
    call_title: { km: 'លេខត្រូវហៅ', en: 'Number to call' },
    safe_number: { km: 'នាងបានផ្ដល់លេខផ្សេងនេះ ដែលមានសុវត្ថិភាព។', en: 'She gave this other number as safe.' },
    own_number: { km: 'លេខដែលនាងប្រើហៅមក។', en: 'The phone she used.' },
    no_number: { km: 'កុំហៅ៖ គ្មានលេខដែលមានសុវត្ថិភាព។ សូមបិទជា «មិនមានសុវត្ថិភាព» ហើយប្រាប់អ្នកត្រួតពិនិត្យ។', en: 'Do not call: no safe number. Close it as “unsafe” and tell your supervisor.' },
    no_call: { km: 'មិនមានព័ត៌មានសម្រាប់ហៅ។ សូមផ្ទុកឡើងវិញ។', en: 'No call details. Please reload.' },
    cover_title: { km: 'បើអ្នកផ្សេងលើក ត្រូវនិយាយ', en: 'If someone else answers' },
    cover_wrong_number: { km: 'និយាយថា «សុំទោស ខុសលេខ» ហើយបិទទូរស័ព្ទ។', en: 'Say “sorry, wrong number” and hang up.' },
    cover_health_survey: { km: 'និយាយថា អ្នកកំពុងធ្វើការស្ទង់មតិសុខភាព។', en: 'Say you are doing a health survey.' },
    cover_friend: { km: 'និយាយថា អ្នកជាមិត្តរបស់នាងហៅមក។', en: 'Say you are a friend calling.' },
    cover_none: { km: 'នាងមិនបានជ្រើស។ កុំនិយាយឈ្មោះខ្សែជំនួយ ហើយនិយាយថា «ខុសលេខ»។', en: 'She did not choose. Do not name the hotline; say “wrong number”.' },
    cover_other: { km: 'រឿងបិទបាំងរបស់នាង៖ {v}', en: 'Her cover story: {v}' },
    checklist_title: { km: 'មុននឹងហៅ', en: 'Before you call' },
    checklist: {
      km: 'ទទួលយកមុនសិន។ ហៅតែពេលទទួលយកបាន។ បើមិត្តរួមការងារបានយករួចហើយ កុំហៅ។' +
        '|ហៅតែលេខដែលបង្ហាញនៅទីនេះ។ បើគ្មានលេខ កុំហៅ៖ បិទជា «មិនមានសុវត្ថិភាព» ហើយប្រាប់អ្នកត្រួតពិនិត្យ។' +
        '|ហៅតែក្នុងពេលដែលមានសុវត្ថិភាពសម្រាប់នាង។ បើនាងនៅកំពុងឆ្លើយម៉ឺនុយ មើលសំណើម្ដងទៀតក្នុងមួយនាទី។' +
        '|បើអ្នកផ្សេងលើក ប្រើរឿងបិទបាំងរបស់នាង។ កុំនិយាយឈ្មោះខ្សែជំនួយ មជ្ឈមណ្ឌល អំពើហិង្សា ឬជំនួយ។ កុំទុកសារជាសំឡេង ឬផ្ញើ SMS។' +
        '|និយាយភាសារបស់នាង។ ចាប់ផ្ដើមដោយពាក្យធម្មតា រហូតដល់ដឹងច្បាស់ថាជានាង ហើយនាងអាចនិយាយបាន។' +
        '|សំណើបន្ទាន់មុនគេ។ បើនាងកំពុងមានគ្រោះថ្នាក់ឥឡូវនេះ រំលឹកនាងពីប៉ូលិស 117។' +
        '|អានការព្រមាន។ «ធ្លាប់មិនមានសុវត្ថិភាព»៖ និយាយជាមួយអ្នកត្រួតពិនិត្យមុននឹងហៅ។' +
        '|កត់ត្រាលទ្ធផលដោយស្មោះត្រង់។ «មិនមានសុវត្ថិភាព» មានន័យថា កុំហៅលេខនេះទៀត។' +
        '|បើអ្នកមិនអាចហៅបាន ប្រគល់វិញភ្លាម។' +
        '|កុំសរសេរអ្វីដែលអាចស្គាល់នាងបាន ក្នុងឧបករណ៍ ឬការជជែករបស់អ្នក។ ប្រើតែលេខយោងករណី។' +
        '|បិទរាល់សំណើដែលអ្នកបានទទួលយក នៅថ្ងៃដដែល។',
      en: 'Claim first. Call only if the claim worked; if a colleague has it, do not call.' +
        '|Call only the number shown here. No number: do not call; close as “unsafe” and tell your supervisor.' +
        '|Call only inside her safe time. If she is still answering the menu, read the request again in a minute.' +
        '|If someone else answers, use her cover story. Never name the hotline, the centre, violence or help. No voicemail, no SMS.' +
        '|Speak her language. Open neutrally until you are sure it is her and she can talk.' +
        '|Urgent first. If she is in danger now, remind her of police 117.' +
        '|Read the warnings. “Unsafe before”: speak to your supervisor before you call.' +
        '|Record the outcome honestly. “Unsafe” means: never call this number again.' +
        '|Release what you cannot do, at once.' +
        '|Write nothing that identifies her in your own tools or chats. Use the case reference.' +
        '|Close every request you claimed, the same day.'
    },
    noanswer: { km: 'គ្មានអ្នកលើក – ហៅម្ដងទៀតពេលក្រោយ', en: 'No answer – try again later' },
    release: { km: 'ប្រគល់វិញ (ខ្ញុំមិនអាចហៅបាន)', en: 'Release (I cannot call)' },
    complete_title: { km: 'បិទសំណើ', en: 'Close the request' },
    outcome_label: { km: 'លទ្ធផល', en: 'Outcome' },
    outcome_choose: { km: '— សូមជ្រើសរើស —', en: '— please choose —' },
    o_reached: { km: 'បាននិយាយជាមួយនាង', en: 'Reached her' },
    o_unsafe: { km: 'មិនមានសុវត្ថិភាព', en: 'Unsafe' },
    o_wrong_number: { km: 'ខុសលេខ', en: 'Wrong number' },
    o_no_answer: { km: 'គ្មានអ្នកលើក', en: 'No answer' },
    complete: { km: 'បិទជាមួយលទ្ធផលនេះ', en: 'Close with this outcome' },
    choose_outcome: { km: 'សូមជ្រើសរើសលទ្ធផលជាមុនសិន។', en: 'Please choose an outcome first.' },
    confirm_close: { km: 'បិទ {ref} ជា «{outcome}»? មិនអាចបើកវិញបានទេ។', en: 'Close {ref} as “{outcome}”? It cannot be reopened.' },
    confirm_yes: { km: 'យល់ព្រម បិទ', en: 'Yes, close it' },
    cancel: { km: 'បោះបង់', en: 'Cancel' },
    note_label: { km: 'កំណត់ចំណាំសម្រាប់អ្នកប្រឹក្សាបន្ទាប់', en: 'Note for the next counsellor' },
    note_hint: { km: 'កុំសរសេរឈ្មោះ ឬលេខទូរស័ព្ទ។', en: 'No names, no phone numbers.' },
    note_count: { km: '{n}/280', en: '{n}/280' },
    note_save: { km: 'រក្សាទុកកំណត់ចំណាំ', en: 'Save the note' },
    note_empty: { km: 'សូមសរសេរកំណត់ចំណាំជាមុនសិន។', en: 'Please write a note first.' },
    history_title: { km: 'ប្រវត្តិ', en: 'History' },
    history_empty: { km: 'គ្មានប្រវត្តិ។', en: 'No history.' },
    system: { km: 'ប្រព័ន្ធ', en: 'system' },
    ev_created: { km: 'បានដាក់សំណើ', en: 'Request filed' },
    ev_asked_again: { km: 'នាងបានស្នើម្ដងទៀត', en: 'She asked again' },
    ev_waiting: { km: 'កំពុងរង់ចាំ', en: 'Waiting' },
    ev_alerted: { km: 'បានជូនដំណឹង', en: 'Alert sent' },
    ev_escalated: { km: 'បានបញ្ជូនបន្ត', en: 'Escalated' },
    ev_alert_failed: { km: 'ការជូនដំណឹងបរាជ័យ', en: 'Alert failed' },
    ev_claimed: { km: 'បានទទួលយក', en: 'Claimed' },
    ev_released: { km: 'បានប្រគល់វិញ', en: 'Released' },
    ev_claim_expired: { km: 'ការទទួលយកផុតកំណត់', en: 'Claim expired' },
    ev_reassigned: { km: 'បានផ្ទេរ', en: 'Reassigned' },
    ev_no_answer: { km: 'គ្មានអ្នកលើក', en: 'No answer' },
    ev_completed: { km: 'បានបិទ', en: 'Closed' },
    ev_note: { km: 'កំណត់ចំណាំ', en: 'Note' },

    ok_claimed: { km: 'ឥឡូវវាជារបស់អ្នក។ អានបញ្ជីមុននឹងហៅ។', en: 'It is yours now. Read the checklist before you call.' },
    ok_released: { km: 'បានប្រគល់វិញ។', en: 'Released.' },
    ok_noanswer: { km: 'បានកត់ត្រា។ វានឹងត្រូវហៅម្ដងទៀតក្នុងពេលរបស់នាង។', en: 'Recorded. It will be offered again inside her safe time.' },
    ok_completed: { km: 'បានបិទ។ អរគុណ។', en: 'Closed. Thank you.' },
    ok_note: { km: 'បានរក្សាទុកកំណត់ចំណាំ។', en: 'Note saved.' },
    ok_reassigned: { km: 'បានផ្ទេរឱ្យ {name}។', en: 'Given to {name}.' },
    conflict: { km: '{name} បានទទួលយករួចហើយ៖ កុំហៅ។', en: 'Claimed by {name}: do not call.' },
    conflict_closed: { km: 'សំណើនេះបានបិទរួចហើយ។', en: 'This request is already closed.' },

    ov_duty: { km: 'កំពុងប្រចាំការឥឡូវ', en: 'On duty now' },
    ov_claims: { km: 'សំណើដែលមានអ្នកទទួលយក', en: 'Open claims' },
    ov_past: { km: 'ហួសពេលមានសុវត្ថិភាព', en: 'Past their safe time' },
    ov_escalations: { km: 'បានបញ្ជូនបន្ត', en: 'Escalated' },
    ov_failing: { km: 'ការជូនដំណឹងដែលបរាជ័យ', en: 'Alerts failing' },
    ov_nobody: { km: 'គ្មាននរណាម្នាក់។', en: 'Nobody.' },
    ov_none: { km: 'គ្មាន។', en: 'None.' },
    claimed_ago: { km: '{name} · ទទួលយក {d} មុន', en: '{name} · claimed {d} ago' },
    give_to: { km: 'ផ្ទេរឱ្យ', en: 'Give to' },
    choose_person: { km: '— ជ្រើសរើសអ្នកណាម្នាក់ —', en: '— choose someone —' },
    choose_first: { km: 'សូមជ្រើសរើសអ្នកណាម្នាក់ជាមុនសិន។', en: 'Please choose someone first.' },
    reassign: { km: 'ផ្ទេរ', en: 'Reassign' },
    release_claim: { km: 'ដកការទទួលយក', en: 'Release claim' },
    fail_line: { km: '{kind} ទៅ {recipient} ({transport})៖ {error} · {attempts} ដង', en: '{kind} to {recipient} ({transport}): {error} · {attempts} tries' },
    gave_up: { km: 'បានឈប់ព្យាយាម', en: 'gave up' },
    retrying: { km: 'កំពុងព្យាយាមម្ដងទៀត', en: 'retrying' }
  };

  /* Provinces as stored by the menu (ISO 3166-2:KH), names as in conf/menus. */
  var PROV = {
    'KH-1': ['បន្ទាយមានជ័យ', 'Banteay Meanchey'], 'KH-2': ['បាត់ដំបង', 'Battambang'],
    'KH-3': ['កំពង់ចាម', 'Kampong Cham'], 'KH-4': ['កំពង់ឆ្នាំង', 'Kampong Chhnang'],
    'KH-5': ['កំពង់ស្ពឺ', 'Kampong Speu'], 'KH-6': ['កំពង់ធំ', 'Kampong Thom'],
    'KH-7': ['កំពត', 'Kampot'], 'KH-8': ['កណ្ដាល', 'Kandal'], 'KH-9': ['កោះកុង', 'Koh Kong'],
    'KH-10': ['ក្រចេះ', 'Kratie'], 'KH-11': ['មណ្ឌលគិរី', 'Mondulkiri'],
    'KH-12': ['ភ្នំពេញ', 'Phnom Penh'], 'KH-13': ['ព្រះវិហារ', 'Preah Vihear'],
    'KH-14': ['ព្រៃវែង', 'Prey Veng'], 'KH-15': ['ពោធិ៍សាត់', 'Pursat'],
    'KH-16': ['រតនគិរី', 'Ratanakiri'], 'KH-17': ['សៀមរាប', 'Siem Reap'],
    'KH-18': ['ព្រះសីហនុ', 'Preah Sihanouk'], 'KH-19': ['ស្ទឹងត្រែង', 'Stung Treng'],
    'KH-20': ['ស្វាយរៀង', 'Svay Rieng'], 'KH-21': ['តាកែវ', 'Takeo'],
    'KH-22': ['ឧត្ដរមានជ័យ', 'Oddar Meanchey'], 'KH-23': ['កែប', 'Kep'],
    'KH-24': ['ប៉ៃលិន', 'Pailin'], 'KH-25': ['ត្បូងឃ្មុំ', 'Tbong Khmum']
  };

  var LANG_KEY = 'hotlined.lang';
  /* "1" from a sign-in to the next sign-out: after a reload, an ended session
     is told as such. Nothing personal. */
  var FLAG_KEY = 'hotlined.signedin';
  var PP = 7 * 3600;                  /* Phnom Penh: UTC+7, no DST */
  var REFRESH_MS = 20000;
  var REF_RE = /^[A-Za-z0-9]{1,15}$/;

  var lang = 'km';
  try { if (localStorage.getItem(LANG_KEY) === 'en') lang = 'en'; } catch (e) { /* private mode */ }

  var st = {
    me: null, csrf: '', serverNow: 0, clockAt: 0, epoch: 0,
    screen: '', view: 'all', list: [], total: 0, next: null, qgen: 0,
    ref: '', req: null, hist: null, rgen: 0, ogen: 0, ov: null, people: {},
    signinKey: '', signinVars: null, errKey: '', errVars: null, retryUntil: 0,
    lastInput: Date.now(), lastRefresh: 0, pending: '', flash: null, callKey: ''
  };
  var timers = { poll: 0, idle: 0, flash: 0, retry: 0 };

  /* ---- Helpers ---- */
  function $(id) { return document.getElementById(id); }
  function t(key, vars) {
    var e = T[key];
    var s = e ? e[lang] : key;
    if (vars) s = s.replace(/\{(\w+)\}/g, function (m, k) { return k in vars ? String(vars[k]) : m; });
    return s;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }
  function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
  function nowSec() {
    if (!st.serverNow) return Date.now() / 1000;
    return st.serverNow + (performance.now() - st.clockAt) / 1000;
  }
  function ppDate(ts) { return new Date((ts + PP) * 1000); } /* read with getUTC* */
  function ppDay(ts) { return Math.floor((ts + PP) / 86400); }
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function hm(ts) { var d = ppDate(ts); return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()); }
  function fmtTime(ts) {
    if (!ts) return '';
    if (ppDay(ts) === ppDay(nowSec())) return hm(ts);
    var d = ppDate(ts);
    return pad(d.getUTCDate()) + '/' + pad(d.getUTCMonth() + 1) + ' ' + hm(ts);
  }
  function dur(secs) {
    var m = Math.floor(Math.max(0, secs) / 60);
    if (m < 1) return t('d_lt1');
    if (m < 60) return t('d_min', { m: m });
    var h = Math.floor(m / 60);
    if (h < 24) return t('d_hour', { h: h, m: m % 60 });
    return t('d_day', { d: Math.floor(h / 24), h: h % 24 });
  }
  function mins(hhmm) { var p = /^(\d\d?):(\d\d)$/.exec(hhmm || ''); return p ? +p[1] * 60 + +p[2] : -1; }
  function hourText(hhmm) { var p = /^0?(\d\d?):(\d\d)$/.exec(hhmm || ''); return p ? (p[2] === '00' ? p[1] : p[1] + ':' + p[2]) : (hhmm || ''); }
  function isMine(s) { return !!(st.me && s && s.state === 'claimed' && s.claimed_by === st.me.id); }
  function personName(id) {
    if (!id) return '';
    if (id === 'system') return t('system');
    if (st.me && id === st.me.id) return st.me.name || id;
    return st.people[id] || id;
  }
  function outcomeText(o) { return T['o_' + o] ? t('o_' + o) : (o || ''); }

  /* When it is safe to call, in words. */
  function windowText(s) {
    if (s.window === 'now') return t('win_now', { n: s.call_within_minutes || (st.me && st.me.now_minutes) || 30 });
    var w = null;
    ((st.me && st.me.windows) || []).forEach(function (x) { if (x.name === s.window) w = x; });
    if (!s.window) return s.answering ? t('win_pending') : t('win_none');
    var part = T['part_' + s.window] ? t('part_' + s.window) : s.window;
    var at = s.call_from || nowSec();
    var diff = ppDay(at) - ppDay(nowSec());
    var day;
    if (diff >= -1 && diff <= 1) day = t('day_' + diff);
    else {
      var d = ppDate(at);
      day = t('day_wd', { wd: t('weekdays').split('|')[d.getUTCDay()] });
      if (diff < -1 || diff > 6) day += ' ' + pad(d.getUTCDate()) + '/' + pad(d.getUTCMonth() + 1);
    }
    var hours = w ? hourText(w.from) + '–' + hourText(w.to) : '';
    var txt = t(hours ? 'win_fmt' : 'win_fmt0', { part: part, day: day, hours: hours });
    if (w && !s.past_window) {
      var from = mins(w.from), to = mins(w.to);
      if (from >= 0 && to >= 0) {
        var start = ppDay(at) * 86400 - PP + from * 60;
        if (start > at) start -= 86400; /* a window across midnight, opened the day before */
        var end = start + ((to - from + 1440) % 1440 || 1440) * 60;
        var now = nowSec();
        if (now >= at && now >= start && now < end) txt += ' ' + t('win_open');
      }
    }
    return txt;
  }
  function waitedText(s) { return t('waited', { d: dur(nowSec() - (s.created_at || nowSec())) }); }
  function stateText(s) {
    var x;
    if (s.state === 'completed') x = t('st_completed', { outcome: outcomeText(s.outcome) });
    else if (s.state === 'claimed') x = isMine(s) ? t('st_mine') : t('st_claimed', { name: s.claimed_by_name || personName(s.claimed_by) });
    else x = t(s.state === 'alerted' ? 'st_alerted' : 'st_open');
    if (s.attempts > 0) x += ' · ' + t('attempts_n', { n: s.attempts });
    return x;
  }
  function badges(s, into) {
    if (s.urgent) into.appendChild(el('span', 'badge badge-urgent', t('urgent')));
    if (isMine(s)) into.appendChild(el('span', 'badge badge-mine', t('mine_badge')));
    if (s.past_window) into.appendChild(el('span', 'badge badge-past', t('past_badge')));
    (s.warnings || []).forEach(function (w) {
      into.appendChild(el('span', 'badge badge-warn' + (w === 'marked_unsafe_before' ? ' badge-unsafe' : ''),
        T['w_' + w] ? t('w_' + w) : w));
    });
  }

  /* ---- Messages ---- */
  /* A message for a moment; kept as a key, so that it follows a change of language. */
  function flash(key, vars, isError) {
    var m = $('message');
    clearTimeout(timers.flash);
    st.flash = { key: key, vars: vars || null, err: !!isError };
    m.className = 'flash ' + (isError ? 'flash-error' : 'flash-ok');
    m.textContent = t(key, vars);
    timers.flash = setTimeout(flashClear, isError ? 12000 : 6000);
  }
  function flashClear() { clearTimeout(timers.flash); st.flash = null; $('message').textContent = ''; $('message').className = 'flash'; }
  function fail(e) {
    if (!e || e.handled) return;
    if (!e.status) { flash('offline', null, true); return; }
    var msg = (e.data && e.data.error) || ('HTTP ' + e.status);
    if (e.status === 403 && /csrf/i.test(msg)) {
      flash('csrf_retry', null, true);
      loadMe().catch(function () {});
      return;
    }
    flash('error', { error: msg }, true);
  }

  /* ---- Talking to the daemon ---- */
  function ApiError(status, data, handled) { this.status = status; this.data = data || {}; this.handled = !!handled; }
  function api(method, path, body) {
    var epoch = st.epoch;
    var opt = { method: method, credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' } };
    if (method === 'POST') {
      opt.headers['Content-Type'] = 'application/json';
      if (st.csrf) opt.headers['X-CSRF-Token'] = st.csrf;
      opt.body = JSON.stringify(body || {});
    }
    return fetch(path, opt).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (data) {
        if (epoch !== st.epoch) throw new ApiError(res.status, data, true);
        if (res.status === 401) { sessionEnded(); throw new ApiError(401, data, true); }
        if (!res.ok) throw new ApiError(res.status, data);
        return data;
      });
    }, function () {
      throw new ApiError(0, null, epoch !== st.epoch);
    });
  }
  function loadMe() {
    return api('GET', '/api/me').then(function (me) {
      st.me = me;
      if (me.csrf) st.csrf = me.csrf;
      if (me.now) { st.serverNow = me.now; st.clockAt = performance.now(); }
      return me;
    });
  }

  /* ---- Sign in / out ---- */
  function setFlag(on) { try { if (on) localStorage.setItem(FLAG_KEY, '1'); else localStorage.removeItem(FLAG_KEY); } catch (e) { /* ignore */ } }
  function hadFlag() { try { return localStorage.getItem(FLAG_KEY) === '1'; } catch (e) { return false; } }

  function dropState() {
    st.epoch++;
    st.me = null; st.csrf = ''; st.serverNow = 0;
    st.list = []; st.total = 0; st.next = null; st.ov = null; st.people = {};
    leaveRequest();
    clear($('queue-list')); $('queue-list').removeAttribute('data-view');
    ['ov-duty', 'ov-claims', 'ov-past', 'ov-escalations', 'ov-failing'].forEach(function (id) { clear($(id)); });
    $('whoami').textContent = ''; $('whoami').hidden = true;
    $('nav').hidden = true; $('nav-overview').hidden = true; $('btn-signout').hidden = true;
    clearInterval(timers.poll); clearInterval(timers.idle);
    flashClear();
  }
  function sessionEnded() {
    var had = !!st.me || hadFlag();
    dropState();
    showSignin(/^#signin\/link-expired/.test(location.hash) ? 'link_expired' : had ? 'session_ended' : '');
  }
  function showSignin(msgKey, vars) {
    st.signinKey = msgKey || ''; st.signinVars = vars || null;
    st.errKey = '';
    renderSignin();
    showScreen('signin');
    $('token').value = '';
  }
  function renderSignin() {
    var m = $('signin-message'), e = $('signin-error');
    m.textContent = st.signinKey ? t(st.signinKey, st.signinVars) : '';
    m.hidden = !st.signinKey;
    var left = Math.ceil((st.retryUntil - Date.now()) / 1000);
    if (st.errKey === 'too_many' && left <= 0) st.errKey = '';
    e.textContent = st.errKey ? t(st.errKey, st.errKey === 'too_many' ? { n: left } : st.errVars) : '';
    e.hidden = !st.errKey;
    $('signin-submit').disabled = left > 0 || st.pending === 'signin';
  }
  function signinError(key, vars) { st.errKey = key; st.errVars = vars || null; renderSignin(); }

  function signin(ev) {
    ev.preventDefault();
    if (st.pending === 'signin') return;
    var tok = $('token').value.trim();
    if (!tok) { signinError('token_empty'); $('token').focus(); return; }
    st.pending = 'signin'; st.signinKey = ''; st.errKey = ''; renderSignin();
    fetch('/console/signin', {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ token: tok })
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (d) {
        st.pending = '';
        if (res.status === 200) {
          $('token').value = '';
          st.epoch++;
          st.csrf = d.csrf || '';
          setFlag(true);
          return loadMe().then(start, function (e) {
            if (e.handled) return;
            if (d.id) { st.me = d; start(); } else signinError(e.status ? 'error' : 'offline', { error: (e.data && e.data.error) || e.status });
          });
        }
        if (res.status === 429) {
          var n = Math.max(1, parseInt(d.retry_after, 10) || 30);
          st.retryUntil = Date.now() + n * 1000;
          signinError('too_many');
          clearInterval(timers.retry);
          timers.retry = setInterval(function () {
            renderSignin();
            if (Date.now() >= st.retryUntil) clearInterval(timers.retry);
          }, 1000);
          return;
        }
        if (res.status === 401) { signinError('token_wrong'); $('token').select(); return; }
        signinError('error', { error: d.error || ('HTTP ' + res.status) });
      });
    }).catch(function () { st.pending = ''; signinError('offline'); });
  }

  function signout() {
    var out = function () { return api('POST', '/console/signout', {}); };
    /* A stale CSRF token would leave the session open: fetch it again, once. */
    out().catch(function (e) {
      if (e.status === 403 && !e.handled) return loadMe().then(out);
    }).catch(function () {}).then(function () {
      dropState();
      setFlag(false);
      showSignin('signed_out');
    });
  }

  /* After sign-in, or on load with a live session. */
  function start() {
    var me = st.me;
    $('whoami').textContent = (me.name || me.id) + (me.supervisor ? ' (' + t('supervisor') + ')' : '');
    $('whoami').hidden = false;
    $('nav').hidden = false;
    $('nav-overview').hidden = !me.supervisor;
    $('btn-signout').hidden = false;
    st.signinKey = ''; st.errKey = '';
    st.lastInput = Date.now();
    clearInterval(timers.poll); clearInterval(timers.idle);
    timers.poll = setInterval(function () { refresh(false); }, REFRESH_MS);
    timers.idle = setInterval(checkIdle, 2000);
    route();
  }

  /* The daemon ends an idle session; the page does the same on its own, so that
     a phone left lying on a table does not keep showing a request. */
  function checkIdle() {
    if (!st.me || !st.me.idle) return;
    if (Date.now() - st.lastInput > st.me.idle * 1000) {
      api('POST', '/console/signout', {}).catch(function () {});
      sessionEnded();
    }
  }

  function refresh(force) {
    if (!st.me || document.hidden) return;
    if (!force && Date.now() - st.lastRefresh < 2000) return;
    st.lastRefresh = Date.now();
    if (st.screen === 'queue') loadQueue(st.view, false);
    else if (st.screen === 'request' && st.ref) loadRequest(st.ref);
    else if (st.screen === 'overview') {
      /* Not while a supervisor is choosing whom to give a request to. */
      var busy = Array.prototype.some.call(document.querySelectorAll('#overview select'),
        function (x) { return x.value || x === document.activeElement; });
      if (!busy) loadOverview();
    }
  }

  /* ---- Screens and routing (location.hash only) ---- */
  function showScreen(id) {
    if (st.screen !== id) window.scrollTo(0, 0);
    st.screen = id;
    ['signin', 'queue', 'request', 'overview'].forEach(function (s) { $(s).hidden = s !== id; });
    $('nav-queue').setAttribute('aria-current', id === 'queue' || id === 'request' ? 'page' : 'false');
    $('nav-overview').setAttribute('aria-current', id === 'overview' ? 'page' : 'false');
  }
  function route() {
    if (!st.me) return;
    var h = location.hash.replace(/^#/, '');
    var m = /^queue\/(mine|unassigned|all)$/.exec(h);
    var r = /^r\/(.+)$/.exec(h);
    if (!(r && REF_RE.test(r[1]) && r[1] === st.ref)) leaveRequest();
    if (m) {
      showScreen('queue');
      if (m[1] !== st.view) { st.list = []; st.next = null; }
      st.view = m[1];
      $('nav-queue').href = '#queue/' + st.view; $('back').href = '#queue/' + st.view;
      loadQueue(st.view, false);
    } else if (r && REF_RE.test(r[1])) {
      showScreen('request');
      if (st.ref !== r[1]) { st.ref = r[1]; $('req-ref').textContent = r[1]; }
      loadRequest(r[1]);
    } else if (h === 'overview' && st.me.supervisor) {
      showScreen('overview');
      loadOverview();
    } else {
      location.replace('#queue/all');
    }
  }

  /* ---- Queue ---- */
  function loadQueue(view, more) {
    var gen = ++st.qgen, list = $('queue-list');
    if (list.getAttribute('data-view') !== view) { clear(list); list.removeAttribute('data-view'); }
    list.setAttribute('aria-busy', 'true');
    if (!list.firstChild) $('queue-total').textContent = t('loading');
    var limit = more ? 50 : Math.min(200, Math.max(50, st.list.length));
    var q = '/api/requests?view=' + view + '&limit=' + limit;
    if (more && st.next) q += '&after=' + encodeURIComponent(st.next);
    $('btn-more').disabled = true;
    return api('GET', q).then(function (d) {
      if (gen !== st.qgen) return;
      var got = d.requests || [];
      st.list = more ? st.list.concat(got) : got;
      st.total = d.total != null ? d.total : st.list.length;
      st.next = d.next || null;
      renderQueue();
    }, function (e) {
      if (gen !== st.qgen) return;
      list.setAttribute('aria-busy', 'false');
      $('btn-more').disabled = false;
      fail(e);
    });
  }
  function renderQueue() {
    ['mine', 'unassigned', 'all'].forEach(function (v) {
      $('tab-' + v).setAttribute('aria-current', v === st.view ? 'page' : 'false');
    });
    var list = $('queue-list');
    clear(list);
    st.list.forEach(function (s) { list.appendChild(queueItem(s)); });
    $('queue-total').textContent = t('total', { n: st.total });
    $('queue-empty').hidden = st.list.length > 0;
    $('btn-more').hidden = !st.next;
    $('btn-more').disabled = false;
    list.setAttribute('data-view', st.view);
    list.setAttribute('aria-busy', 'false');
  }
  function queueItem(s) {
    var li = el('li', 'request-item' + (s.urgent ? ' is-urgent' : '') + (isMine(s) ? ' is-mine' : ''));
    li.setAttribute('data-ref', s.ref);
    var a = el('a', 'item-link');
    a.href = '#r/' + encodeURIComponent(s.ref);
    var top = el('span', 'item-top');
    top.appendChild(el('strong', 'ref', s.ref));
    badges(s, top);
    a.appendChild(top);
    a.appendChild(el('span', 'item-line item-window', windowText(s)));
    a.appendChild(el('span', 'item-line muted', waitedText(s) + ' · ' + stateText(s)));
    li.appendChild(a);
    return li;
  }

  /* ---- One request ---- */
  function clearCall() {
    st.callKey = '';
    clear($('call-box'));
    $('cover').textContent = '';
    $('mine-panel').hidden = true;
    $('actions').hidden = true;
    $('confirm').hidden = true;
  }
  function leaveRequest() {
    st.rgen++;
    st.ref = ''; st.req = null; st.hist = null;
    clearCall();
    $('note').value = ''; noteCount();
    $('outcome').value = '';
    clear($('history')); clear($('req-warnings'));
    ['req-ref', 'req-window', 'req-waited', 'req-state', 'req-province', 'req-topic', 'req-lang',
      'req-attempts', 'req-session', 'claimed-by'].forEach(function (id) { $(id).textContent = ''; });
    $('btn-claim').hidden = true;
    $('req-urgent').hidden = true;
    $('req-answering').hidden = true;
  }
  function loadRequest(ref) {
    var gen = ++st.rgen;
    var base = '/api/requests/' + encodeURIComponent(ref);
    $('request').setAttribute('aria-busy', 'true');
    return Promise.all([
      api('GET', base),
      api('GET', base + '/history').catch(function (e) { if (e.handled) throw e; return null; })
    ]).then(function (r) {
      if (gen !== st.rgen || st.ref !== ref) return;
      st.req = r[0];
      if (r[1]) st.hist = r[1].history || [];
      renderRequest();
    }, function (e) {
      if (gen !== st.rgen) return;
      $('request').setAttribute('aria-busy', 'false');
      if (e.status === 404) { clearCall(); flash('not_found', null, true); } else fail(e);
    });
  }
  function loadHistory() {
    var ref = st.ref;
    api('GET', '/api/requests/' + encodeURIComponent(ref) + '/history').then(function (h) {
      if (st.ref === ref) { st.hist = h.history || []; renderHistory(); }
    }, fail);
  }
  function setFact(id, text) { $(id).textContent = text; }
  function renderRequest() {
    var s = st.req;
    if (!s) return;
    var mine = isMine(s);
    setFact('req-ref', s.ref);
    $('req-urgent').hidden = !s.urgent;
    var wl = $('req-warnings');
    clear(wl);
    (s.warnings || []).forEach(function (w) {
      wl.appendChild(el('li', 'warning' + (w === 'marked_unsafe_before' ? ' warning-unsafe' : ''),
        T['wl_' + w] ? t('wl_' + w) : w));
    });
    if (s.past_window) wl.appendChild(el('li', 'warning', t('ov_past')));
    $('req-answering').hidden = !s.answering || s.state === 'completed';
    setFact('req-window', windowText(s));
    setFact('req-waited', dur(nowSec() - (s.created_at || nowSec())) + (s.created_at ? ' (' + fmtTime(s.created_at) + ')' : ''));
    setFact('req-state', stateText(s));
    var p = s.province;
    setFact('req-province', !p ? t('unknown') : p === 'none' ? t('prov_none') : PROV[p] ? PROV[p][lang === 'km' ? 0 : 1] : p);
    $('req-topic').hidden = !s.topic; document.querySelector('.row-topic').hidden = !s.topic;
    setFact('req-topic', s.topic || '');
    setFact('req-lang', s.lang === 'en' ? t('lang_en') : s.lang === 'km' ? t('lang_km') : (s.lang || t('unknown')));
    setFact('req-attempts', String(s.attempts || 0));
    setFact('req-session', s.session_end ? (T['se_' + s.session_end] ? t('se_' + s.session_end) : s.session_end)
      : (s.answering ? t('se_answering') : t('unknown')));
    var who = s.claimed_by_name || personName(s.claimed_by);
    var cb = $('claimed-by');
    cb.className = 'claimed-by' + (s.state === 'claimed' && !mine ? ' taken' : mine ? ' yours' : '');
    if (s.state === 'completed') cb.textContent = t('closed_by', { name: who || '?', outcome: outcomeText(s.outcome) });
    else if (s.state === 'claimed') cb.textContent = mine ? t('claimed_you') : t('claimed_by', { name: who });
    else cb.textContent = t('not_claimed');
    var claimable = s.state === 'open' || s.state === 'alerted';
    $('btn-claim').hidden = !claimable;
    $('btn-claim').disabled = st.pending !== '';
    if (mine) renderCall(s); else clearCall();
    renderHistory();
    $('request').setAttribute('aria-busy', 'false');
  }
  function renderCall(s) {
    var c = s.call, box = $('call-box');
    $('mine-panel').hidden = false;
    $('actions').hidden = false;
    /* Unchanged since the last refresh: leave the link alone (it may be under her finger). */
    var key = c ? [c.number, c.is_safe_number, c.if_someone_else_answers, lang].join('|') : '';
    if (key && key === st.callKey && box.firstChild) return;
    st.callKey = key;
    clear(box);
    if (!c) { box.appendChild(el('p', 'stop', t('no_call'))); $('cover').textContent = ''; return; }
    if (c.number) {
      var a = el('a', 'call-number', groupNumber(c.number));
      a.id = 'call-number';
      a.href = 'tel:' + String(c.number).replace(/[^+\d]/g, '');
      box.appendChild(a);
      box.appendChild(el('p', 'muted', c.is_safe_number ? t('safe_number') : t('own_number')));
    } else {
      var p = el('p', 'stop', t('no_number'));
      p.id = 'no-number';
      box.appendChild(p);
      if (!$('outcome').value) $('outcome').value = 'unsafe';
    }
    var cv = c.if_someone_else_answers;
    $('cover').textContent = !cv ? t('cover_none') : T['cover_' + cv] ? t('cover_' + cv) : t('cover_other', { v: cv });
  }
  /* +85512999888 -> +855 12 999 888, easier to read back; the link dials it as is. */
  function groupNumber(n) {
    var m = /^\+855(\d\d)(\d{3})(\d{3,4})$/.exec(n);
    return m ? '+855 ' + m[1] + ' ' + m[2] + ' ' + m[3] : n;
  }
  function renderHistory() {
    var ol = $('history');
    clear(ol);
    var h = st.hist || [];
    if (!h.length) { ol.appendChild(el('li', 'muted', t('history_empty'))); return; }
    h.forEach(function (x) {
      var li = el('li', 'hist hist-' + x.event);
      li.appendChild(el('span', 'hist-time', fmtTime(x.at)));
      li.appendChild(document.createTextNode(' '));
      li.appendChild(el('strong', null, T['ev_' + x.event] ? t('ev_' + x.event) : x.event));
      li.appendChild(document.createTextNode(' · ' + personName(x.actor)));
      if (x.detail) {
        var d = String(x.detail);
        if (x.event === 'completed' && T['o_' + d]) d = t('o_' + d);
        else if (x.event !== 'note') d = d.replace(/\b1\d{9}\b/g, function (ts) { return fmtTime(+ts); });
        li.appendChild(el(x.event === 'note' ? 'p' : 'span', x.event === 'note' ? 'note-text' : 'hist-detail',
          x.event === 'note' ? d : ' · ' + d));
      }
      ol.appendChild(li);
    });
  }

  /* Claim, release, no answer, complete, note. */
  function act(verb, body) {
    var s = st.req, ref = st.ref;
    if (!s || st.pending) return Promise.reject(new ApiError(0, null, true));
    st.pending = verb;
    setBusy(true);
    return api('POST', '/api/requests/' + encodeURIComponent(ref) + '/' + verb, body).then(function (r) {
      st.pending = ''; setBusy(false);
      if (st.ref !== ref) throw new ApiError(0, null, true);
      return r;
    }, function (e) { st.pending = ''; setBusy(false); throw e; });
  }
  function setBusy(on) {
    ['btn-claim', 'btn-release', 'btn-noanswer', 'btn-complete', 'btn-note', 'confirm-yes'].forEach(function (id) { $(id).disabled = on; });
  }
  function afterChange(r, okKey) {
    st.req = r;
    renderRequest();
    flash(okKey);
    loadHistory();
  }
  function claim() {
    act('claim', {}).then(function (r) {
      afterChange(r, 'ok_claimed');
      if (!$('mine-panel').hidden) $('claimed-by').scrollIntoView();
    }, function (e) {
      if (e.status === 409 && e.data && e.data.request) {
        st.req = e.data.request;
        renderRequest();
        var s = e.data.request;
        if (s.state === 'completed') flash('conflict_closed', null, true);
        else flash('conflict', { name: s.claimed_by_name || personName(s.claimed_by) }, true);
        loadHistory();
      } else if (e.status === 409) { flash('error', { error: e.data.error || '409' }, true); loadRequest(st.ref); } else fail(e);
    });
  }
  function release() {
    act('release', {}).then(function (r) { clearCall(); afterChange(r, 'ok_released'); }, actFail);
  }
  function noAnswer() {
    act('complete', { outcome: 'no_answer' }).then(function (r) { clearCall(); afterChange(r, 'ok_noanswer'); }, actFail);
  }
  function askComplete() {
    var o = $('outcome').value;
    if (!o) { flash('choose_outcome', null, true); $('outcome').focus(); return; }
    $('confirm-text').textContent = t('confirm_close', { ref: st.ref, outcome: outcomeText(o) });
    $('confirm').hidden = false;
    $('confirm-yes').focus();
  }
  function doComplete() {
    var o = $('outcome').value;
    $('confirm').hidden = true;
    if (!o) return;
    act('complete', { outcome: o }).then(function (r) { clearCall(); $('outcome').value = ''; afterChange(r, 'ok_completed'); }, actFail);
  }
  function actFail(e) {
    fail(e);
    if (!e.handled && e.status === 409 && st.ref) loadRequest(st.ref);
  }
  function saveNote() {
    var n = $('note').value.trim();
    if (!n) { flash('note_empty', null, true); $('note').focus(); return; }
    act('note', { note: n.slice(0, 280) }).then(function () {
      $('note').value = ''; noteCount();
      flash('ok_note');
      loadHistory();
    }, fail);
  }
  function noteCount() { $('note-count').textContent = t('note_count', { n: $('note').value.length }); }

  /* ---- Overview (supervisors) ---- */
  function loadOverview() {
    var gen = ++st.ogen;
    $('overview').setAttribute('aria-busy', 'true');
    return api('GET', '/api/overview').then(function (d) {
      if (gen !== st.ogen || st.screen !== 'overview') return;
      st.ov = d;
      st.people = {};
      (d.people || []).forEach(function (p) { st.people[p.id] = p.name || p.id; });
      renderOverview();
    }, function (e) {
      if (gen !== st.ogen) return;
      $('overview').setAttribute('aria-busy', 'false');
      if (e.status === 403) { flash('only_supervisors', null, true); location.replace('#queue/all'); } else fail(e);
    });
  }
  function renderOverview() {
    var d = st.ov;
    if (!d) return;
    var duty = $('ov-duty');
    clear(duty);
    (d.on_duty || []).forEach(function (p) { duty.appendChild(el('li', 'person', p.name || p.id)); });
    if (!duty.firstChild) duty.appendChild(el('li', 'empty', t('ov_nobody')));
    ovList('ov-claims', d.claims, true);
    ovList('ov-past', d.past_window, false);
    ovList('ov-escalations', d.escalations, false);
    var fl = $('ov-failing');
    clear(fl);
    (d.failing_alerts || []).forEach(function (f) {
      var li = el('li', 'failing');
      li.setAttribute('data-ref', f.ref || '');
      if (f.ref) { var a = el('a', 'ref', f.ref); a.href = '#r/' + encodeURIComponent(f.ref); li.appendChild(a); li.appendChild(document.createTextNode(' ')); }
      li.appendChild(document.createTextNode(t('fail_line', {
        kind: f.kind || '', recipient: personName(f.recipient) || '?', transport: f.transport || '',
        error: f.error || '', attempts: f.attempts || 0
      }) + ' · ' + (f.gave_up ? t('gave_up') : t('retrying')) + (f.at ? ' · ' + fmtTime(f.at) : '')));
      fl.appendChild(li);
    });
    if (!fl.firstChild) fl.appendChild(el('li', 'empty', t('ov_none')));
    $('overview').setAttribute('aria-busy', 'false');
  }
  function ovList(id, items, claims) {
    var ul = $(id);
    clear(ul);
    (items || []).forEach(function (s) {
      var li = el('li', 'request-item ov-item' + (s.urgent ? ' is-urgent' : ''));
      li.setAttribute('data-ref', s.ref);
      var a = el('a', 'item-link');
      a.href = '#r/' + encodeURIComponent(s.ref);
      var top = el('span', 'item-top');
      top.appendChild(el('strong', 'ref', s.ref));
      badges(s, top);
      a.appendChild(top);
      a.appendChild(el('span', 'item-line', windowText(s)));
      a.appendChild(el('span', 'item-line muted', claims && s.claimed_at
        ? t('claimed_ago', { name: s.claimed_by_name || personName(s.claimed_by), d: dur(nowSec() - s.claimed_at) })
        : waitedText(s) + ' · ' + stateText(s)));
      li.appendChild(a);
      li.appendChild(reassignBox(s, claims));
      ul.appendChild(li);
    });
    if (!ul.firstChild) ul.appendChild(el('li', 'empty', t('ov_none')));
  }
  function reassignBox(s, claims) {
    var box = el('div', 'reassign');
    var sel = el('select', 'reassign-to');
    sel.setAttribute('aria-label', t('give_to') + ' ' + s.ref);
    var o0 = el('option', null, t('choose_person'));
    o0.value = '';
    sel.appendChild(o0);
    ((st.ov && st.ov.people) || []).forEach(function (p) {
      if (p.id === s.claimed_by) return;
      var o = el('option', null, (p.name || p.id) + (p.supervisor ? ' (' + t('supervisor') + ')' : ''));
      o.value = p.id;
      sel.appendChild(o);
    });
    var b = el('button', 'btn-reassign', t('reassign'));
    b.type = 'button';
    b.addEventListener('click', function () {
      if (!sel.value) { flash('choose_first', null, true); sel.focus(); return; }
      var to = sel.value;
      b.disabled = true;
      api('POST', '/api/requests/' + encodeURIComponent(s.ref) + '/reassign', { to: to }).then(function () {
        flash('ok_reassigned', { name: personName(to) });
        loadOverview();
      }, function (e) { b.disabled = false; fail(e); });
    });
    box.appendChild(sel);
    box.appendChild(b);
    if (claims) {
      var r = el('button', 'btn-release-claim', t('release_claim'));
      r.type = 'button';
      r.addEventListener('click', function () {
        r.disabled = true;
        api('POST', '/api/requests/' + encodeURIComponent(s.ref) + '/release', {}).then(function () {
          flash('ok_released');
          loadOverview();
        }, function (e) { r.disabled = false; fail(e); });
      });
      box.appendChild(r);
    }
    return box;
  }

  /* ---- Language ---- */
  function setLang(l) {
    lang = l === 'en' ? 'en' : 'km';
    try { localStorage.setItem(LANG_KEY, lang); } catch (e) { /* ignore */ }
    applyLang();
  }
  function applyLang() {
    document.documentElement.lang = lang;
    document.title = 'hotlined';
    Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (e) { e.textContent = t(e.getAttribute('data-t')); });
    $('lang-km').setAttribute('aria-pressed', String(lang === 'km'));
    $('lang-en').setAttribute('aria-pressed', String(lang === 'en'));
    var ol = $('checklist-items');
    clear(ol);
    t('checklist').split('|').forEach(function (x) { ol.appendChild(el('li', null, x)); });
    noteCount();
    renderSignin();
    if (st.flash) $('message').textContent = t(st.flash.key, st.flash.vars);
    if (st.me) {
      $('whoami').textContent = (st.me.name || st.me.id) + (st.me.supervisor ? ' (' + t('supervisor') + ')' : '');
      if (st.screen === 'queue' && $('queue-list').hasAttribute('data-view')) renderQueue();
      if (st.screen === 'request' && st.req) renderRequest();
      if (st.screen === 'overview' && st.ov) renderOverview();
      if (!$('confirm').hidden && $('outcome').value) $('confirm-text').textContent = t('confirm_close', { ref: st.ref, outcome: outcomeText($('outcome').value) });
    }
  }

  /* ---- Wiring ---- */
  function boot() {
    applyLang();
    $('signin-form').addEventListener('submit', signin);
    $('signin-submit').disabled = false;
    $('lang-km').addEventListener('click', function () { setLang('km'); });
    $('lang-en').addEventListener('click', function () { setLang('en'); });
    $('btn-signout').addEventListener('click', signout);
    $('btn-more').addEventListener('click', function () { loadQueue(st.view, true); });
    $('btn-claim').addEventListener('click', claim);
    $('btn-release').addEventListener('click', release);
    $('btn-noanswer').addEventListener('click', noAnswer);
    $('btn-complete').addEventListener('click', askComplete);
    $('confirm-yes').addEventListener('click', doComplete);
    $('confirm-no').addEventListener('click', function () { $('confirm').hidden = true; $('btn-complete').focus(); });
    $('outcome').addEventListener('change', function () { $('confirm').hidden = true; });
    $('btn-note').addEventListener('click', saveNote);
    $('note').addEventListener('input', noteCount);
    window.addEventListener('hashchange', route);
    ['pointerdown', 'keydown', 'input', 'touchstart', 'wheel'].forEach(function (ev) {
      document.addEventListener(ev, function () { st.lastInput = Date.now(); }, { capture: true, passive: true });
    });
    window.addEventListener('focus', function () { refresh(false); });
    document.addEventListener('visibilitychange', function () { if (!document.hidden) { checkIdle(); refresh(false); } });
    /* Leaving the page (or putting it in the back-forward cache): no number stays behind. */
    window.addEventListener('pagehide', clearCall);
    window.addEventListener('pageshow', function (e) { if (e.persisted && st.me) refresh(true); });

    var link = /^#link\/([A-Za-z0-9_-]{43})$/.exec(location.hash);
    if (link) useLink(link[1]);
    else loadMe().then(start, function (e) {
      if (e.handled) return;
      showSignin(!e.status ? 'offline' : /^#signin\/link-expired/.test(location.hash) ? 'link_expired' : '');
    });
  }

  /* A one-time link from an alert: /console/#link/<secret>. The secret is in the
     fragment, which no server (nor a link preview) ever sees; it leaves the
     address at once and is posted once. */
  function useLink(secret) {
    history.replaceState(null, '', '/console/');
    fetch('/console/link', {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ t: secret })
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (d) {
        if (res.status !== 200) {
          history.replaceState(null, '', '/console/#signin/link-expired');
          showSignin(res.status === 410 ? 'link_expired' : 'error', { error: d.error || ('HTTP ' + res.status) });
          return;
        }
        st.epoch++;
        st.csrf = d.csrf || '';
        setFlag(true);
        history.replaceState(null, '', d.ref && REF_RE.test(d.ref) ? '/console/#r/' + d.ref : '/console/#queue/all');
        return loadMe().then(start, function (e) {
          if (!e.handled) showSignin(e.status ? 'error' : 'offline', { error: (e.data && e.data.error) || e.status });
        });
      });
    }).catch(function () { showSignin('offline'); });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot);
  else boot();
})();
