import { Badge, Box, Button, Inline } from '@stripe/ui-extension-sdk/ui';
import { useState } from 'react';
import type { BackendClient } from '../../api/backendClient';
import type { Experiment, ExperimentArm, ExperimentDraft, MerchantSettings } from '../../api/contract';
import { formatPoints, formatRate } from '../../format';
import { useLoaded } from '../../shared/backend';
import { Empty, LoadFailed, Loading } from '../../shared/states';
import { useAction } from '../../shared/useAction';
import { ExperimentForm } from './ExperimentForm';

const KIND_LABELS: Record<Experiment['kind'], string> = { email_sequence: 'Email sequence', retry_policy: 'Retry policy' };
const STATUS_BADGES: Record<Experiment['status'], { label: string; type: 'info' | 'neutral' | 'positive' }> = {
  running: { label: 'Running', type: 'info' },
  stopped: { label: 'Stopped', type: 'neutral' },
  finished: { label: 'Finished', type: 'positive' },
};

/** The fewest ended cases among the arms: the experiment is as far along as its slowest arm. */
export function endedPerArm(experiment: Experiment): number {
  return experiment.arms.length === 0 ? 0 : Math.min(...experiment.arms.map((arm) => arm.ended));
}

function armFigures(arm: ExperimentArm, kind: Experiment['kind']): string {
  const figures = [
    `recovered ${formatRate(arm.recoveredShare)} (${arm.recovered} of ${arm.ended} ended)`,
    arm.meanDaysToRecovery === null ? null : `${Math.round(arm.meanDaysToRecovery * 10) / 10} days to recovery on average`,
    kind === 'email_sequence' && arm.emailsOpened !== null ? `${arm.emailsOpened} opened` : null,
    kind === 'email_sequence' && arm.emailsClicked !== null ? `${arm.emailsClicked} clicked` : null,
  ];
  return figures.filter(Boolean).join(' · ');
}

/** Settings section: A/B tests of an email sequence or a retry policy, each read only at its fixed horizon, and "promote the winner". */
export function Experiments({ backend, canChange, settings, onPromoted }: { backend: BackendClient; canChange: boolean; settings: MerchantSettings; onPromoted: (message: string) => void }) {
  const { loaded, reload, replace } = useLoaded(async () => (await backend.experiments()).data, 'experiments');
  const { busy, run, banner } = useAction<string>();
  const [creating, setCreating] = useState(false);
  const readAgain = async () => replace((await backend.experiments()).data);

  const create = (draft: ExperimentDraft) =>
    void run('create', async () => {
      await backend.createExperiment(draft);
      await readAgain();
      setCreating(false);
      return `Experiment “${draft.name}” started.`;
    });
  const stop = (experiment: Experiment) =>
    void run(`stop ${experiment.id}`, async () => {
      await backend.stopExperiment(experiment.id);
      await readAgain();
      return `Experiment “${experiment.name}” stopped: new cases follow your settings again.`;
    });
  const promote = (experiment: Experiment, winner: ExperimentArm) =>
    void run(`promote ${experiment.id}`, async () => {
      await backend.promoteExperiment(experiment.id);
      // The settings above now hold the winner: the whole page reads them again.
      onPromoted(`“${winner.label}” from “${experiment.name}” is now your ${KIND_LABELS[experiment.kind].toLowerCase()}.`);
      return null;
    });

  return (
    <Box css={{ stack: 'y', gap: 'small' }}>
      <Inline css={{ font: 'heading' }}>Experiments</Inline>
      <Inline css={{ color: 'secondary' }}>Test another email sequence or retry policy against yours: each customer gets one of the two, and the result is read once, at a horizon you fix up front.</Inline>
      {banner}
      {loaded.state === 'loading' && <Loading what="your experiments" />}
      {loaded.state === 'error' && <LoadFailed message={loaded.message} onRetry={reload} />}
      {loaded.state === 'ready' && loaded.data.length === 0 && <Empty>No experiments yet.</Empty>}
      {loaded.state === 'ready' &&
        loaded.data.map((experiment) => <ExperimentItem key={experiment.id} experiment={experiment} canChange={canChange} busy={busy} onStop={stop} onPromote={promote} />)}
      {canChange && loaded.state === 'ready' && !creating && <Button onPress={() => setCreating(true)}>New experiment</Button>}
      {canChange && creating && <ExperimentForm settings={settings} busy={busy === 'create'} onSubmit={create} onCancel={() => setCreating(false)} />}
    </Box>
  );
}

function ExperimentItem({ experiment, canChange, busy, onStop, onPromote }: {
  experiment: Experiment;
  canChange: boolean;
  busy: string | null;
  onStop: (experiment: Experiment) => void;
  onPromote: (experiment: Experiment, winner: ExperimentArm) => void;
}) {
  const { result } = experiment;
  const winner = result.final && result.winner ? experiment.arms.find((arm) => arm.arm === result.winner) : undefined;
  return (
    <Box css={{ stack: 'y', gap: 'xsmall', padding: 'small', borderRadius: 'medium', backgroundColor: 'container' }}>
      <Box css={{ stack: 'x', gap: 'small', alignY: 'center' }}>
        <Inline css={{ font: 'subheading' }}>{experiment.name}</Inline>
        <Badge type="neutral">{KIND_LABELS[experiment.kind]}</Badge>
        <Badge type={STATUS_BADGES[experiment.status].type}>{STATUS_BADGES[experiment.status].label}</Badge>
      </Box>
      <Inline>{`${endedPerArm(experiment)} of ${experiment.horizonCases} ended cases per arm; the result is final at the horizon.`}</Inline>
      {result.final ? (
        <>
          {experiment.arms.map((arm) => (
            <Inline key={arm.arm} css={{ font: 'caption' }}>{`${arm.arm} · ${arm.label}: ${armFigures(arm, experiment.kind)}`}</Inline>
          ))}
          {result.difference && <Inline>{`B − A: ${formatPoints(result.difference)}${result.pValue === null ? '' : `, p = ${result.pValue.toPrecision(2)}`}`}</Inline>}
          <Inline css={{ font: 'bodyEmphasized' }}>{winner ? `Winner: ${winner.arm} · ${winner.label}` : 'No winner: the difference is too small to tell the two apart.'}</Inline>
        </>
      ) : (
        // Shares read before the horizon invite stopping at a lucky moment, so only the progress shows.
        experiment.arms.map((arm) => <Inline key={arm.arm} css={{ font: 'caption', color: 'secondary' }}>{`${arm.arm} · ${arm.label}: ${arm.ended} of ${experiment.horizonCases} ended (${arm.cases} cases)`}</Inline>)
      )}
      {!result.final && experiment.status === 'stopped' && <Inline css={{ color: 'secondary' }}>Stopped before its horizon: it has no result.</Inline>}
      {canChange && (
        <Box css={{ stack: 'x', gap: 'small' }}>
          {experiment.status === 'running' && <Button size="small" disabled={busy !== null} pending={busy === `stop ${experiment.id}`} onPress={() => onStop(experiment)}>Stop experiment</Button>}
          {winner && <Button size="small" type="primary" disabled={busy !== null} pending={busy === `promote ${experiment.id}`} onPress={() => onPromote(experiment, winner)}>{`Promote ${winner.arm}: ${winner.label}`}</Button>}
        </Box>
      )}
    </Box>
  );
}
