p='packages/core/src/train/replica.ts'
s=open(p).read()
def rep(a,b):
    global s
    assert a in s, a
    s=s.replace(a,b,1)
rep('import { gradsOf } from "./gradients.js";','import { FrozenPrefix } from "./frozen-prefix.js";\nimport { gradsOf } from "./gradients.js";')
rep('''  private readonly byKey: Map<string, NamedParam>;
''','''  private readonly byKey: Map<string, NamedParam>;
  /** A fixed structure's layers below its lowest module, run outside the tape and kept per example
   *  this replica has seen (its own shards' examples); null when there is nothing to skip. */
  private readonly prefix: FrozenPrefix | null;
''')
rep('''      this.alpha = g && ''','''      this.prefix = g || spec.full ? null : FrozenPrefix.of(backbone, candidates, deps.task.train.size);
      this.alpha = g && ''')
rep('''    this.model.setTraining(true, context);
    try {
      return tf.tidy(() => {''','''    const from = this.prefix?.hiddenAt(batch, req.examples);
    this.model.setTraining(true, context);
    try {
      return tf.tidy(() => {''')
rep('''this.model.forward(batch, gates), batch.labels)''','''this.model.forward(batch, gates, from), batch.labels)''')
rep('''    } finally {
      this.model.setTraining(false);
    }
  }''','''    } finally {
      this.model.setTraining(false);
      from?.hidden.dispose();
    }
  }''')
open(p,'w').write(s)
