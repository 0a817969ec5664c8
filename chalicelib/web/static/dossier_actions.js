/* What a citizen can do on a dossier besides looking: pay the fee online (level 4), download
   the electronic result, rate the service. Each appears only when the API offers it. */
(function () {
  'use strict';
  var h = DVC.h;
  var PAYABLE = ['awaiting_payment', 'accepted', 'in_progress', 'result_ready'];
  var WITH_RESULT = ['result_ready', 'returned'];
  var RATINGS = [['rat_hai_long', 'Rất hài lòng'], ['hai_long', 'Hài lòng'], ['chua_hai_long', 'Chưa hài lòng']];
  var CRITERIA = [['overall', 'Đánh giá chung'], ['convenience', 'Sự thuận tiện khi làm thủ tục'], ['timeliness', 'Thời gian giải quyết'], ['attitude', 'Thái độ của cán bộ']];
  var PENDING_KEY = 'dvc.returning'; // code + phone kept for the trip to the payment gateway only
  var levels = {};

  DVC.dossierExtras = DVC.dossierExtras || [];

  function body(ctx, extra) {
    var b = Object.assign({}, extra || {});
    if (ctx.phone) b.phone = ctx.phone;
    return b;
  }
  function note(box, text, kind) {
    var out = box.querySelector('[role=alert]') || h('div', { role: 'alert' });
    DVC.add(box, out);
    DVC.say(out, text, kind);
  }

  /* ---- pay online ---- */
  DVC.dossierExtras.push(function (d, ctx) {
    var owed = (d.fee_due || 0) - (d.fee_paid || 0);
    if (!DVC.features.has('payments') || owed <= 0 || PAYABLE.indexOf(d.status) < 0) return null;
    var box = h('section', { class: 'panel', 'aria-labelledby': 'pay-title' },
      h('h3', { id: 'pay-title', text: 'Nộp phí, lệ phí trực tuyến' }),
      h('p', {}, 'Số tiền: ', h('strong', { text: DVC.fmt.vnd(owed) }), '. Bạn sẽ được chuyển sang cổng thanh toán; Cổng không lưu thông tin thẻ hay tài khoản của bạn.'));
    var button = h('button', { type: 'button', class: 'btn btn-primary', text: 'Nộp phí trực tuyến' });
    DVC.add(box, h('div', { class: 'actions' }, button));
    if (d.status !== 'awaiting_payment') {
      box.hidden = true; // paying ahead is for level-4 procedures only
      level(d.procedure.code).then(function (n) { box.hidden = n < 4; });
    }
    button.addEventListener('click', async function () {
      button.disabled = true;
      var answer = await DVC.api('POST', DVC.dossierPath(d.code, '/payments'), {
        body: body(ctx), headers: { 'Idempotency-Key': DVC.uuid() },
      });
      button.disabled = false;
      if (answer.status !== 201) return note(box, DVC.message(answer.data), 'error');
      if (ctx.phone) sessionStorage.setItem(PENDING_KEY, JSON.stringify({ code: d.code, phone: ctx.phone }));
      location.assign(answer.data.payment_url);
    });
    return box;
  });

  function level(code) {
    if (!levels[code]) {
      levels[code] = DVC.api('GET', '/v1/procedures/' + encodeURIComponent(code)).then(function (a) {
        return a.status === 200 ? a.data.level : 0;
      });
    }
    return levels[code];
  }

  /* ---- download the electronic result ---- */
  DVC.dossierExtras.push(function (d, ctx, refresh) {
    if (!DVC.features.has('result') || WITH_RESULT.indexOf(d.status) < 0) return null;
    var box = h('section', { class: 'panel', 'aria-labelledby': 'result-title' },
      h('h3', { id: 'result-title', text: 'Kết quả giải quyết' }),
      h('p', { text: 'Bản điện tử có giá trị như bản giấy. Đường dẫn tải chỉ dùng được trong ít phút.' }));
    var button = h('button', { type: 'button', class: 'btn btn-primary', text: 'Tải kết quả điện tử' });
    DVC.add(box, h('div', { class: 'actions' }, button));
    button.addEventListener('click', async function () {
      button.disabled = true;
      var query = ctx.phone ? '?phone=' + encodeURIComponent(ctx.phone) : '';
      var answer = await DVC.api('GET', DVC.dossierPath(d.code, '/result') + query);
      button.disabled = false;
      if (answer.status !== 200) return note(box, DVC.message(answer.data), 'error');
      var link = h('a', { href: answer.data.url, download: answer.data.filename || '', hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      note(box, 'Đang tải về: ' + (answer.data.filename || 'kết quả') + '.', 'ok');
      if (answer.data.status && answer.data.status !== d.status) setTimeout(function () { refresh(); }, 1500);
    });
    return box;
  });

  /* ---- rate the service ---- */
  DVC.dossierExtras.push(function (d, ctx) {
    if (!DVC.features.has('rating') || WITH_RESULT.indexOf(d.status) < 0) return null;
    var form = h('form', { class: 'panel', novalidate: true, 'aria-labelledby': 'rating-title', id: 'rating-form' },
      h('h3', { id: 'rating-title', text: 'Đánh giá mức độ hài lòng' }),
      h('p', { class: 'help', text: 'Ý kiến của bạn giúp cơ quan phục vụ tốt hơn. Cán bộ không biết ai đã đánh giá.' }));
    CRITERIA.forEach(function (c) {
      var id = 'f-rating-' + c[0];
      DVC.add(form, h('fieldset', { class: 'choice', id: id, 'data-path': c[0], 'aria-describedby': id + '-error' },
        h('legend', { text: c[1] }),
        h('p', { class: 'field-error', id: id + '-error', hidden: true }),
        h('div', { class: 'stars' }, RATINGS.map(function (r, i) {
          return h('div', { class: 'check' },
            h('input', { type: 'radio', name: c[0], id: id + '-' + i, value: r[0] }),
            h('label', { for: id + '-' + i, text: r[1] }));
        }))));
    });
    DVC.add(form, h('div', { class: 'field' },
      h('label', { for: 'f-rating-comment', text: 'Ý kiến khác (không bắt buộc)' }),
      h('textarea', { id: 'f-rating-comment', rows: '2', maxlength: '1000' })),
      h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'btn btn-primary', text: 'Gửi đánh giá' })));
    var key = DVC.uuid();
    form.addEventListener('submit', async function (e) {
      e.preventDefault();
      DVC.clearErrors(form);
      var values = {};
      var missing = CRITERIA.filter(function (c) {
        var picked = form.querySelector('input[name=' + c[0] + ']:checked');
        if (picked) values[c[0]] = picked.value;
        else DVC.fieldError(document.getElementById('f-rating-' + c[0]), c[1] + ': vui lòng chọn');
        return !picked;
      });
      if (missing.length) return note(form, 'Vui lòng chọn mức độ cho từng tiêu chí.', 'error');
      var comment = document.getElementById('f-rating-comment').value.trim();
      if (comment) values.comment = comment;
      var answer = await DVC.api('POST', DVC.dossierPath(d.code, '/rating'), { body: body(ctx, values), headers: { 'Idempotency-Key': key } });
      if (answer.status === 201 || answer.status === 200) {
        form.textContent = '';
        DVC.add(form, h('h3', { text: 'Cảm ơn bạn đã đánh giá' }), h('p', { role: 'status', text: 'Ý kiến của bạn đã được ghi nhận.' }));
        return;
      }
      note(form, DVC.message(answer.data), 'error');
    });
    return form;
  });

  /* Back from the payment gateway: look the dossier up again without retyping. */
  DVC.takeReturning = function () {
    try {
      var value = JSON.parse(sessionStorage.getItem(PENDING_KEY) || 'null');
      sessionStorage.removeItem(PENDING_KEY);
      return value;
    } catch (e) { return null; }
  };
})();
